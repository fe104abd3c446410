/**
 * The sign-in settings read from the command's options and the environment: off when none is
 * given; each missing or invalid setting named with its fix; the secret from the environment or a
 * file, refused on the command line; options before the environment.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SvdError } from '../../src/core/errors.js';
import { readOidcSettings, type OidcOptions } from '../../src/access/oidc.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-oidc-settings-');

const ENTRA = {
  SVD_OIDC_ISSUER: 'https://login.microsoftonline.com/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/v2.0',
  SVD_OIDC_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
  SVD_OIDC_REDIRECT_URI: 'https://svd.example.org/auth/oidc/callback',
};

function refusal(options: OidcOptions, env: NodeJS.ProcessEnv): SvdError {
  try {
    readOidcSettings(options, env);
  } catch (error) {
    expect(error).toBeInstanceOf(SvdError);
    return error as SvdError;
  }
  throw new Error('expected a refusal');
}

describe('readOidcSettings: bad settings and their messages', () => {
  it('names every missing setting and how to turn sign-in off', () => {
    const error = refusal({}, { SVD_OIDC_ISSUER: ENTRA.SVD_OIDC_ISSUER });
    expect(error.code).toBe('OIDC_SETTING_MISSING');
    expect(error.kind).toBe('usage');
    expect(error.message).toContain('SVD_OIDC_CLIENT_ID');
    expect(error.message).toContain('SVD_OIDC_REDIRECT_URI');
    expect(error.message).not.toContain('SVD_OIDC_ISSUER');
    expect(error.problems.map((p) => p.field)).toEqual([
      'SVD_OIDC_CLIENT_ID',
      'SVD_OIDC_REDIRECT_URI',
    ]);
    expect(error.fix).toContain('unset every SVD_OIDC_ variable');
  });

  it('refuses plain http off loopback, and accepts it on loopback', () => {
    const error = refusal({}, { ...ENTRA, SVD_OIDC_ISSUER: 'http://idp.example.org' });
    expect(error.code).toBe('OIDC_INSECURE_ISSUER');
    expect(error.location).toMatchObject({
      field: 'SVD_OIDC_ISSUER',
      value: 'http://idp.example.org',
    });
    for (const host of ['127.0.0.1:8080', '[::1]:8080', 'localhost:8080']) {
      expect(readOidcSettings({}, { ...ENTRA, SVD_OIDC_ISSUER: `http://${host}` })?.issuer).toBe(
        `http://${host}`,
      );
    }
  });

  it('refuses an issuer that is not a URL, and the multi-tenant Entra ID endpoint', () => {
    expect(refusal({}, { ...ENTRA, SVD_OIDC_ISSUER: 'contoso' }).code).toBe('OIDC_SETTING_INVALID');
    const common = refusal({ oidcIssuer: 'https://login.microsoftonline.com/common/v2.0' }, ENTRA);
    expect(common.code).toBe('OIDC_SETTING_INVALID');
    expect(common.location.field).toBe('--oidc-issuer');
  });

  it('refuses a redirect URI that is not https, and scopes without openid', () => {
    const error = refusal({}, { ...ENTRA, SVD_OIDC_REDIRECT_URI: 'http://svd.example.org/cb' });
    expect(error.code).toBe('OIDC_SETTING_INVALID');
    expect(error.location.field).toBe('SVD_OIDC_REDIRECT_URI');
    expect(refusal({ oidcScopes: 'profile email' }, ENTRA).code).toBe('OIDC_SETTING_INVALID');
  });

  it('refuses a secret on the command line, and a secret given twice', () => {
    const onLine = refusal({ oidcClientSecret: 'shown-in-ps' } as OidcOptions, ENTRA);
    expect(onLine.code).toBe('OIDC_SECRET_ON_COMMAND_LINE');
    expect(onLine.message).not.toContain('shown-in-ps');
    const file = path.join(dir, 'twice.secret');
    writeFileSync(file, 'from-file\n');
    const twice = refusal(
      { oidcClientSecretFile: file },
      { ...ENTRA, SVD_OIDC_CLIENT_SECRET: 'x' },
    );
    expect(twice.code).toBe('OIDC_SETTING_INVALID');
  });

  it('names a secret file that is missing or empty, without its contents', () => {
    const missing = path.join(dir, 'missing.secret');
    const error = refusal({}, { ...ENTRA, SVD_OIDC_CLIENT_SECRET_FILE: missing });
    expect(error.code).toBe('OIDC_SETTING_INVALID');
    expect(error.location).toMatchObject({ file: missing, field: 'SVD_OIDC_CLIENT_SECRET_FILE' });
    const empty = path.join(dir, 'empty.secret');
    writeFileSync(empty, '  \n');
    expect(refusal({ oidcClientSecretFile: empty }, ENTRA).message).toContain('empty');
  });
});

describe('readOidcSettings: settings read', () => {
  it('is off (null) when nothing is set', () => {
    expect(readOidcSettings({}, {})).toBeNull();
    expect(readOidcSettings({}, { SVD_OIDC_ISSUER: '  ' })).toBeNull();
  });

  it('reads Entra ID settings from the environment, with the defaults filled in', () => {
    expect(readOidcSettings({}, { ...ENTRA, SVD_OIDC_CLIENT_SECRET: 'env-secret' })).toEqual({
      issuer: ENTRA.SVD_OIDC_ISSUER,
      clientId: ENTRA.SVD_OIDC_CLIENT_ID,
      clientSecret: 'env-secret',
      redirectUri: ENTRA.SVD_OIDC_REDIRECT_URI,
      scopes: 'openid email profile',
      label: "your organisation's sign-in",
    });
  });

  it('takes the options before the environment, and the secret from a file', () => {
    const file = path.join(dir, 'client.secret');
    writeFileSync(file, 'file-secret\n');
    chmodSync(file, 0o600);
    const settings = readOidcSettings(
      { oidcClientId: 'from-option', oidcLabel: 'NHS Oxfordshire', oidcClientSecretFile: file },
      { ...ENTRA, SVD_OIDC_LABEL: 'from env', SVD_OIDC_SCOPES: 'openid  email' },
    );
    expect(settings).toMatchObject({
      clientId: 'from-option',
      label: 'NHS Oxfordshire',
      clientSecret: 'file-secret',
      scopes: 'openid email',
    });
  });

  it('is a public client when no secret is given', () => {
    const settings = readOidcSettings({}, ENTRA);
    expect(settings).not.toBeNull();
    expect(settings).not.toHaveProperty('clientSecret');
  });
});
