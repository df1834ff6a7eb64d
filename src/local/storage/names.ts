/** Name rules: DNS-1123 validation and generateName suffixes. */
import { randomInt } from 'node:crypto';
import type { FieldCause } from '../errors.js';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The random 5-character suffix the API server appends to generateName. */
export function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** Causes for an invalid object name (DNS-1123 label for namespaces, subdomain otherwise). */
export function nameCauses(name: string, label: boolean, field = 'metadata.name'): FieldCause[] {
  if (label) {
    if (name.length <= 63 && LABEL.test(name)) return [];
    return [
      {
        reason: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      },
    ];
  }
  if (name.length <= 253 && SUBDOMAIN.test(name)) return [];
  return [
    {
      reason: 'FieldValueInvalid',
      field,
      message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    },
  ];
}
