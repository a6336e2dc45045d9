// nuget.org's package id rules (PackageIdValidator). Pure.

export const MAX_PACKAGE_ID_LENGTH = 100;
// ASCII \w on purpose: ids end up in reason phrases, which must stay ASCII
const PACKAGE_ID = /^\w+([_.-]\w+)*$/;

export function isValidPackageId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_PACKAGE_ID_LENGTH && PACKAGE_ID.test(id);
}

/** ids are unique without regard to case */
export function packageIdKey(id: string): string {
  return id.toLowerCase();
}
