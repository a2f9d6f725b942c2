import { asList, isRecord } from './access';

/**
 * Expands `kind: List` and typed lists (`PodList`, ...) into their items. Items of a typed list
 * may omit apiVersion and kind, which the list then implies.
 */
export function flattenLists(value: unknown): unknown[] {
  if (!isRecord(value) || typeof value.kind !== 'string' || !value.kind.endsWith('List')) {
    return [value];
  }
  if (!Array.isArray(value.items)) {
    return [value];
  }
  const itemKind = value.kind === 'List' ? undefined : value.kind.slice(0, -'List'.length);
  return asList(value.items).flatMap((item) => {
    const filled =
      isRecord(item) && itemKind !== undefined
        ? { apiVersion: value.apiVersion, kind: itemKind, ...item }
        : item;
    return flattenLists(filled);
  });
}
