// The example glob patterns panel, as nuget.org's API Keys ("Select …") and Trusted Publishing
// ("Allow …", with an exact id row) pages word it.
export function GlobHelp({ verb, exactRow = false, children }: { verb: "Select" | "Allow"; exactRow?: boolean; children?: React.ReactNode }) {
  return (
    <aside className="rounded bg-nuget-panel p-3 text-sm">
      {children}
      <p>A glob pattern allows you to replace any sequence of characters with &apos;*&apos;.</p>
      <p className="mt-2 font-semibold">Example glob patterns:</p>
      <table className="mt-1 w-full">
        <thead>
          <tr>
            <th className="pr-2 text-left">Pattern</th>
            <th className="text-left">Result</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td className="pr-2 align-top font-mono">*</td>
            <td>{verb} all packages</td>
          </tr>
          <tr>
            <td className="pr-2 align-top font-mono">Alpha*</td>
            <td>
              {verb} any package that has an ID beginning with <em>Alpha</em>
            </td>
          </tr>
          {exactRow ? (
            <tr>
              <td className="pr-2 align-top font-mono">Alpha</td>
              <td>
                {verb} the package that has an ID matching <em>Alpha</em>
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </aside>
  );
}
