/**
 * HTML to PDF with Debian's Chromium, driven by playwright-core (which downloads no browser): a
 * fresh profile in a temporary folder, no network, no background services, A4 with the report's
 * own print stylesheet. The HTML is self-contained, so nothing is fetched while printing.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SvdError, errorMessage } from '../core/errors.js';
import { pdfDestinationPages } from './pdfDestinations.js';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface PrintOptions {
  executablePath?: string;
  /**
   * Called with the page of each named destination (the ids links point to) once printed; may
   * return the HTML again (e.g. with page numbers in its contents), which is then printed anew,
   * until the pages stop changing (at most three passes).
   */
  relayout?: (pages: Map<string, number>) => string | undefined;
  /** A protective marking printed at the top and bottom of every page (e.g. OFFICIAL-SENSITIVE). */
  marking?: string | null;
}

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Chromium's header and footer: the marking, when there is one, and the page numbers. */
export function pageTemplates(marking: string | null | undefined): {
  headerTemplate: string;
  footerTemplate: string;
} {
  const mark =
    marking === null || marking === undefined || marking === ''
      ? ''
      : `<div class="marking" style="font-weight:bold;letter-spacing:0.05em">${escapeText(marking)}</div>`;
  return {
    headerTemplate:
      mark === ''
        ? '<span></span>'
        : `<div style="font-size:8px;width:100%;text-align:center;color:#1b1b1b">${mark}</div>`,
    footerTemplate: `<div style="font-size:8px;width:100%;text-align:center;color:#555">${mark}<span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
  };
}

export async function printPdf(
  htmlText: string,
  outFile: string,
  options: PrintOptions = {},
): Promise<{ bytes: number; passes: number }> {
  const executablePath = options.executablePath ?? CHROMIUM;
  if (!existsSync(executablePath))
    throw new SvdError({
      kind: 'workspace',
      code: 'NO_CHROMIUM',
      message: `PDF needs Chromium, which is not at ${executablePath}`,
      fix: 'install it (Debian: apt-get install -y chromium), or write HTML with --format html and print it from a browser',
    });
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'svd-chromium-'));
  const temp = `${outFile}.tmp-${process.pid}`;
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      offline: true,
    });
    try {
      const page = await context.newPage();
      // No request may leave the page: the report is self-contained.
      await page.route('**/*', (route) =>
        route.request().url().startsWith('data:') ? route.continue() : route.abort(),
      );
      const print = async (text: string): Promise<Buffer> => {
        await page.setContent(text, { waitUntil: 'load' });
        return page.pdf({
          format: 'A4',
          printBackground: true,
          preferCSSPageSize: true,
          displayHeaderFooter: true,
          ...pageTemplates(options.marking),
          margin: { top: '16mm', bottom: '18mm', left: '16mm', right: '16mm' },
        });
      };
      let pdf = await print(htmlText);
      let passes = 1;
      let before = '';
      while (options.relayout !== undefined && passes < 3) {
        const pages = pdfDestinationPages(pdf);
        const key = JSON.stringify([...pages]);
        if (key === before) break;
        before = key;
        const next = options.relayout(pages);
        if (next === undefined) break;
        pdf = await print(next);
        passes++;
      }
      writeFileSync(temp, pdf);
      renameSync(temp, outFile);
      return { bytes: pdf.length, passes };
    } finally {
      await context.close();
    }
  } catch (error) {
    if (error instanceof SvdError) throw error;
    throw new SvdError({
      kind: 'internal',
      code: 'PDF_FAILED',
      message: `Chromium could not print the PDF: ${errorMessage(error).split('\n')[0]}`,
      fix: 'write HTML with --format html and print it from a browser; please report the failure',
      cause: error,
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
    rmSync(temp, { force: true });
  }
}
