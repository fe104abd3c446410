/**
 * `svd access agreement`: data-sharing agreements as records — add (or revise) from a file, list,
 * show, revoke, and check what a reader may see (docs/decisions/0073-sharing-agreements.md).
 * `svd serve --sign-in` enforces the grant on every answer (0074).
 */
import path from 'node:path';
import { Command } from 'commander';
import type { AgreementTerms } from '../../access/agreementFile.js';
import { DATASET_KINDS, LEGAL_BASES, LEVELS } from '../../access/agreementVocabulary.js';
import type { AccessDecision, Agreement } from '../../access/agreements.js';
import { requireOrganisation } from '../../access/organisations.js';
import { ROLES, checkRole } from '../../access/users.js';
import { audited } from '../../app/audited.js';
import { systemClock } from '../../core/clock.js';
import { SvdError } from '../../core/errors.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { agreementOutcome } from '../../app/auditEntries.js';
import { formatTable } from '../table.js';

const DB_HELP = 'workspace file (default: $SVD_DB, else ./svd.duckdb)';

const NOT_ENFORCED = `Enforced by the dashboard with sign-in (svd serve --sign-in): the grant that \`check\`
prints is what a signed-in reader of that organisation and role is given on every answer
(docs/decisions/0074-sign-in-and-enforcement.md). The command line is the workspace holder's and
answers in full.`;

const RULES = `The file (an example: examples/agreements/oxfordshire-violence-sharing.yaml) gives:
  id, title, purpose, dpia        text (the id: lower-case letters, digits, hyphens)
  parties                         organisations of the workspace, not retired, each with
                                  type: controller, joint-controller or recipient
  legal_basis                     one or more of:
                                  ${LEGAL_BASES.slice(0, 5).join(', ')},
                                  ${LEGAL_BASES.slice(5).join(', ')}
                                  ("other" with legal_basis_note)
  datasets                        kind: ${DATASET_KINDS.slice(0, 5).join(', ')},
                                  ${DATASET_KINDS.slice(5).join(', ')};
                                  optionally supplier: <organisation> (a controller party)
  level                           ${LEVELS.join(', ')} (default aggregate)
  fields_withheld                 record fields, e.g. victim_age, suspect_age, offence_description
  geography                       area codes covered, e.g. E07000178
  min_cell_size                   at least 5, 8 with health data (default: that least)
  audiences                       partners, public
  start, review, expiry           YYYY-MM-DD; expiry after start, review on or before expiry
Health (istv, ambulance) and social-care data stay at aggregate unless the file states level and
a UK GDPR Art 9 basis (uk-gdpr-9-2-g or uk-gdpr-9-2-i); record level for them is refused: the
PCSC Act 2022 s16(4) does not permit disclosing patient or social-care personal information.`;

function terms(t: AgreementTerms): string[] {
  return [
    `parties: ${t.parties.map((p) => `${p.organisation} (${p.type})`).join(', ')}`,
    `purpose: ${t.purpose}`,
    `legal basis: ${t.legal_basis.join(', ')}${t.legal_basis_note === null ? '' : ` — ${t.legal_basis_note}`}`,
    `DPIA: ${t.dpia}`,
    `datasets: ${t.datasets.map((d) => (d.supplier === null ? d.kind : `${d.kind} from ${d.supplier}`)).join(', ')}`,
    `level: ${t.level}${t.level_stated ? '' : ' (not stated: the default)'}`,
    `fields withheld: ${t.fields_withheld.length === 0 ? 'none' : t.fields_withheld.join(', ')}`,
    `geography: ${t.geography.join(', ')}`,
    `minimum cell size: ${t.min_cell_size}${t.min_cell_size_stated ? '' : ' (not stated: the least for its data)'}`,
    `audiences: ${t.audiences.join(', ')}`,
    `in force: ${t.start} to ${t.expiry}, review by ${t.review}`,
  ];
}

function agreementTable(rows: Agreement[]): string {
  return formatTable(rows, [
    { header: 'agreement', value: (a) => a.id },
    { header: 'title', value: (a) => a.title },
    { header: 'parties', value: (a) => a.terms.parties.map((p) => p.organisation).join(', ') },
    { header: 'level', value: (a) => a.terms.level },
    { header: 'start', value: (a) => a.terms.start },
    { header: 'expiry', value: (a) => a.terms.expiry },
    { header: 'revision', value: (a) => String(a.revision) },
    {
      header: 'status',
      value: (a) => (a.status === 'revoked' ? `revoked ${a.revoked_at!.slice(0, 10)}` : 'active'),
    },
  ]);
}

/** `--at`: a date (noon UTC that day, as `--as-of` elsewhere) or a full ISO 8601 instant. */
function parseAt(value: string | undefined): Date {
  if (value === undefined) return systemClock.now();
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value;
  const at = new Date(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime()))
    throw new SvdError({
      kind: 'usage',
      code: 'BAD_DATE',
      message: `--at ${JSON.stringify(value)} is not a date`,
      location: { field: '--at', value },
      fix: 'write YYYY-MM-DD (e.g. 2028-04-01), or a full instant such as 2028-04-01T09:00:00Z',
    });
  return at;
}

function describeDecision(d: AccessDecision): string {
  const lines = [
    `${d.reader.organisation} (${d.reader.role}) on ${d.dataset.kind}${d.dataset.supplier === null ? '' : ` supplied by ${d.dataset.supplier}`}, ${d.date}:`,
  ];
  const g = d.grant;
  if (g === null) lines.push(`  none${d.note === null ? '' : ` — ${d.note}`}`);
  else {
    lines.push(
      g.basis === 'controller'
        ? `  ${g.level}: the data are ${d.reader.organisation}'s own (its controller)`
        : `  ${g.level} under ${g.agreement!.id} (revision ${g.agreement!.revision}: ${g.agreement!.title})`,
    );
    if (g.basis === 'agreement') {
      lines.push(
        `  fields withheld: ${g.fields_withheld.length === 0 ? 'none' : g.fields_withheld.join(', ')}`,
      );
      lines.push(`  geography: ${g.geography!.join(', ')}`);
      lines.push(`  minimum cell size: ${g.min_cell_size}`);
      lines.push(`  audiences: ${g.audiences!.join(', ')}`);
    }
    if (g.also.length > 0) lines.push(`  also applying, less permissive: ${g.also.join(', ')}`);
    if (d.note !== null) lines.push(`  note: ${d.note}`);
  }
  for (const c of d.considered)
    lines.push(`  ${c.applies ? '+' : '-'} ${c.id} (revision ${c.revision}): ${c.why}`);
  lines.push('  (enforced by svd serve --sign-in)');
  return lines.join('\n');
}

export function agreementCommand(io: CliIo): Command {
  const agreement = new Command('agreement')
    .description(
      'data-sharing agreements: add (or revise) from a file, list, show, revoke, check (enforced by svd serve --sign-in)',
    )
    .addHelpText(
      'after',
      `
${RULES}

An agreement added again with other terms is a new revision; the earlier ones are kept. A revoked
agreement grants nothing from the instant of its revocation and is not revised again.

${NOT_ENFORCED}
Every change is recorded in the audit log (agreement-add, agreement-revise, agreement-revoke).
Examples:
  svd access agreement add examples/agreements/oxfordshire-violence-sharing.yaml
  svd access agreement list --json
  svd access agreement show oxford-violence-sharing
  svd access agreement check --org oxford-city --dataset force-extract --supplier tvp --at 2027-01-01
  svd access agreement revoke oxford-violence-sharing --reason "superseded by the 2027 agreement"`,
    );

  agreement
    .command('add <file>')
    .description('add an agreement from its file, or a new revision of one with the same id')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the agreement as JSON')
    .option('--quiet', 'no announcements')
    .addHelpText('after', `\n${RULES}\n\n${NOT_ENFORCED}`)
    .action(async (file: string, options: CommonOptions) => {
      const { storeAgreement } = await import('../../access/agreements.js');
      const ctx = commandContext(io, options);
      const full = path.resolve(io.cwd, file);
      const stored = await withCommandWorkspace(ctx, { create: false }, (ws) =>
        audited(
          ws,
          {
            actor: ctx.actor,
            action: 'agreement-add',
            attempt: { target: null, detail: { file: path.basename(file) } },
          },
          () => storeAgreement(ws, full, systemClock, file),
          agreementOutcome,
        ),
      );
      if (!stored.agreement.terms.level_stated)
        ctx.reporter.info(`level not stated: aggregate (the least) is recorded`);
      if (!stored.agreement.terms.min_cell_size_stated)
        ctx.reporter.info(
          `min_cell_size not stated: ${stored.agreement.terms.min_cell_size} (the least for its data) is recorded`,
        );
      if (ctx.json) return ctx.printJson(stored);
      const a = stored.agreement;
      ctx.print(
        stored.outcome === 'unchanged'
          ? `agreement ${a.id}: the same terms as revision ${a.revision}, nothing changed`
          : stored.outcome === 'revised'
            ? `revised agreement ${a.id}: revision ${a.revision} (earlier revisions kept)`
            : `added agreement ${a.id} (${a.title})`,
      );
    });

  agreement
    .command('list')
    .description('the agreements, each as its latest revision, revoked ones included')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the agreements as JSON')
    .action(async (options: CommonOptions) => {
      const { listAgreements } = await import('../../access/agreements.js');
      const ctx = commandContext(io, options);
      const rows = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        listAgreements(ws),
      );
      if (ctx.json) return ctx.printJson(rows);
      ctx.print(
        rows.length === 0
          ? 'no agreements (svd access agreement add FILE adds one)'
          : agreementTable(rows),
      );
    });

  agreement
    .command('show <id>')
    .description('an agreement: its terms, status and revisions')
    .option('--revision <n>', 'an earlier revision (1 is the first)')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print it as JSON, every revision included')
    .action(async (id: string, options: CommonOptions & { revision?: string }) => {
      const { agreementRevisions, requireAgreement } = await import('../../access/agreements.js');
      const ctx = commandContext(io, options);
      const { current, revisions } = await withCommandWorkspace(
        ctx,
        { create: false, readOnly: true },
        async (ws) => ({
          current: await requireAgreement(ws, id),
          revisions: await agreementRevisions(ws, id),
        }),
      );
      const wanted = options.revision === undefined ? current.revision : Number(options.revision);
      const shown = revisions.find((r) => r.revision === wanted);
      if (shown === undefined)
        throw new SvdError({
          kind: 'usage',
          code: 'AGREEMENT_REVISION_UNKNOWN',
          message: `agreement ${id} has no revision ${JSON.stringify(options.revision)}`,
          location: { field: '--revision', value: options.revision ?? '' },
          fix: `give a revision from 1 to ${current.revision}`,
        });
      if (ctx.json)
        return ctx.printJson({ ...current, shown: shown.revision, revisions_kept: revisions });
      ctx.print(
        [
          `${shown.id}: ${shown.title}`,
          `revision ${shown.revision} of ${current.revision}, recorded ${shown.recorded_at.slice(0, 19)}Z from ${shown.file_name}`,
          current.status === 'revoked'
            ? `status: revoked ${current.revoked_at!.slice(0, 19)}Z — ${current.revoked_reason ?? ''}`
            : 'status: active',
          ...terms(shown.terms),
        ].join('\n'),
      );
    });

  agreement
    .command('revoke <id>')
    .description('revoke an agreement: it grants nothing from now')
    .requiredOption('--reason <text>', 'why it is revoked (kept with it and in the audit log)')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the agreement as JSON')
    .option('--quiet', 'no announcements')
    .action(async (id: string, options: CommonOptions & { reason: string }) => {
      const { revokeAgreement } = await import('../../access/agreements.js');
      const ctx = commandContext(io, options);
      const revoked = await withCommandWorkspace(ctx, { create: false }, (ws) =>
        audited(
          ws,
          {
            actor: ctx.actor,
            action: 'agreement-revoke',
            attempt: { target: id, detail: { reason: options.reason } },
          },
          () => revokeAgreement(ws, id, options.reason, systemClock),
          (a) => ({ target: a.id, detail: { reason: a.revoked_reason } }),
        ),
      );
      if (ctx.json) return ctx.printJson(revoked);
      ctx.print(`revoked agreement ${revoked.id}: it grants nothing from ${revoked.revoked_at!}`);
    });

  agreement
    .command('check')
    .description('what a reader of an organisation may see of a dataset (the effective grant)')
    .requiredOption('--org <id>', "the reader's organisation")
    .requiredOption('--dataset <kind>', DATASET_KINDS.join(', '))
    .option('--supplier <org>', 'the organisation that supplied the dataset (its controller)')
    .option('--role <role>', `the reader's role: ${ROLES.join(', ')} (default analyst)`)
    .option('--at <date>', 'at this date (YYYY-MM-DD, noon UTC) or instant (default now)')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the decision as JSON')
    .option('--quiet', 'no announcements')
    .addHelpText(
      'after',
      `
The grant: the controller's own data at record level; otherwise the most permissive of the
agreements in force at that instant (started, not expired, not revoked) that name the
organisation as a party and cover the dataset, taken whole — its level, fields withheld,
geography, minimum cell size and audiences, never a mix of several agreements' terms; otherwise
none. A member reads aggregate figures at most; an auditor reads the audit log, not data.

${NOT_ENFORCED}`,
    )
    .action(
      async (
        options: CommonOptions & {
          org: string;
          dataset: string;
          supplier?: string;
          role?: string;
          at?: string;
        },
      ) => {
        const { accessFor } = await import('../../access/agreements.js');
        const ctx = commandContext(io, options);
        const role = checkRole(options.role ?? 'analyst', '--role');
        if (options.role === undefined) ctx.reporter.info('role not given: analyst');
        if (!(DATASET_KINDS as readonly string[]).includes(options.dataset))
          throw new SvdError({
            kind: 'usage',
            code: 'DATASET_KIND_UNKNOWN',
            message: `${JSON.stringify(options.dataset)} is not a dataset kind`,
            location: { field: '--dataset', value: options.dataset },
            fix: `give one of: ${DATASET_KINDS.join(', ')}`,
          });
        const at = parseAt(options.at);
        const decision = await withCommandWorkspace(
          ctx,
          { create: false, readOnly: true },
          async (ws) => {
            await requireOrganisation(ws, options.org);
            if (options.supplier !== undefined)
              await requireOrganisation(ws, options.supplier, '--supplier');
            return accessFor(
              ws,
              { organisation: options.org, role },
              { kind: options.dataset, supplier: options.supplier ?? null },
              at,
            );
          },
        );
        if (ctx.json) return ctx.printJson(decision);
        ctx.print(describeDecision(decision));
      },
    );
  return agreement;
}
