// Test packages built in code (no nuget pack needed): the five parts NuGet 2.8.7 insists on
// (nuspec, [Content_Types].xml, _rels/.rels, psmdcp, a content file), and request bodies
// byte-identical to what real clients send (notes/nuget-clients.md §2). Shared by the API,
// real-client and benchmark tests. Pure: no Playwright import, usable from vitest too.
import { randomBytes } from "node:crypto";
import { strToU8, zipSync, type Zippable } from "fflate";

export type NuspecNamespace = "2010/07" | "2013/05" | "none";

export interface NupkgOptions {
  id: string;
  version: string;
  /** the nuspec's XML namespace (all three forms are accepted by nuget.org and NuGet 2.8.7) */
  namespace?: NuspecNamespace;
  /** replaces the whole nuspec text (for broken-nuspec tests) */
  nuspec?: string;
  /** false = no nuspec at all */
  includeNuspec?: boolean;
  /** bytes of random, incompressible content (to make big packages) */
  contentBytes?: number;
  /** more text entries, by path (a readme the nuspec names, a license file …) */
  files?: Record<string, string>;
}

const BOM = "\uFEFF";

export function nuspecXml(id: string, version: string, namespace: NuspecNamespace = "2010/07"): string {
  const xmlns = namespace === "none" ? "" : ` xmlns="http://schemas.microsoft.com/packaging/${namespace}/nuspec.xsd"`;
  return `<?xml version="1.0" encoding="utf-8"?>
<package${xmlns}>
  <metadata>
    <id>${id}</id>
    <version>${version}</version>
    <authors>e2e</authors>
    <owners>e2e</owners>
    <requireLicenseAcceptance>false</requireLicenseAcceptance>
    <description>Test package ${id}</description>
  </metadata>
</package>
`;
}

export function buildNupkg(opts: NupkgOptions): Uint8Array {
  const nuspecName = `${opts.id}.nuspec`;
  const psmdcp = `package/services/metadata/core-properties/${randomBytes(16).toString("hex")}.psmdcp`;
  const files: Zippable = {
    "_rels/.rels": [
      strToU8(
        `${BOM}<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
          `<Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/${nuspecName}" Id="R1" />` +
          `<Relationship Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="/${psmdcp}" Id="R2" /></Relationships>`,
      ),
      { level: 0 },
    ],
  };
  if (opts.includeNuspec !== false) files[nuspecName] = strToU8(opts.nuspec ?? nuspecXml(opts.id, opts.version, opts.namespace));
  files["content/readme.txt"] = opts.contentBytes ? [new Uint8Array(randomBytes(opts.contentBytes)), { level: 0 }] : strToU8("hello\n");
  for (const [name, text] of Object.entries(opts.files ?? {})) files[name] = strToU8(text);
  files[psmdcp] = [
    strToU8(
      `<?xml version="1.0" encoding="utf-8"?><coreProperties xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">` +
        `<dc:creator>e2e</dc:creator><dc:identifier>${opts.id}</dc:identifier><version>${opts.version}</version></coreProperties>`,
    ),
    { level: 0 },
  ];
  files["[Content_Types].xml"] = strToU8(
    `${BOM}<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />` +
      `<Default Extension="nuspec" ContentType="application/octet" /><Default Extension="txt" ContentType="application/octet" />` +
      `<Default Extension="psmdcp" ContentType="application/vnd.openxmlformats-package.core-properties+xml" /></Types>`,
  );
  return zipSync(files);
}

export interface MultipartBody {
  contentType: string;
  body: Buffer;
}

/** NuGet 2.8.7's push body: unquoted boundary, closing delimiter "\n--boundary--" with a bare LF and nothing after. */
export function multipartNuGet287(nupkg: Uint8Array, boundary = `---------------------------${Date.now().toString(16)}`): MultipartBody {
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="package"; filename="package"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      nupkg,
      Buffer.from(`\n--${boundary}--`),
    ]),
  };
}

/** NuGet 5.8's push body: quoted GUID boundary, unquoted names, filename*=, CRLF delimiters. */
export function multipartNuGet58(nupkg: Uint8Array, boundary: string = crypto.randomUUID()): MultipartBody {
  return {
    contentType: `multipart/form-data; boundary="${boundary}"`,
    body: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: form-data; name=package; filename=package.nupkg; filename*=utf-8''package.nupkg\r\n\r\n`,
      ),
      nupkg,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}
