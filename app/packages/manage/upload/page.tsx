export default function Upload() {
  return (
    <div className="space-y-3">
      <h1 className="text-3xl font-light">Upload</h1>
      <p>Uploading in the browser is not part of this site. Push with a NuGet client and an API key instead:</p>
      <pre className="overflow-x-auto rounded bg-gray-100 p-3 text-sm">dotnet nuget push MyPackage.1.0.0.nupkg --api-key &lt;key&gt; --source &lt;this site&gt;/v3/index.json</pre>
    </div>
  );
}
