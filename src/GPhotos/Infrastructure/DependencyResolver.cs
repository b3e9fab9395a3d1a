using System;
using System.Collections.Concurrent;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace GPhotos.Commands.Infrastructure
{
    /// <summary>
    /// Loads third-party assemblies (Google.Apis*, Newtonsoft.Json, SharpZipLib) from the module's
    /// <c>Dependencies</c> folder. They live there, not beside GPhotos.dll, so PowerShell never binds another
    /// module's copy to ours by accident. Registered on import, before any Google type is touched (no Google type
    /// appears in a cmdlet signature), and it also answers requests made by those assemblies themselves.
    /// PowerShell ignores binding redirects, so any version of a dependency that PowerShell already loaded
    /// (PowerShell 7 ships Newtonsoft.Json 13.x) satisfies a request for the same major version.
    /// </summary>
    public sealed class DependencyResolver : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string ModuleRoot = Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location);
        private static readonly string DependencyFolder = Path.Combine(ModuleRoot, "Dependencies");
        private static readonly ConcurrentDictionary<string, Assembly> Loaded = new ConcurrentDictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);

        public void OnImport() => AppDomain.CurrentDomain.AssemblyResolve += Resolve;

        public void OnRemove(PSModuleInfo psModuleInfo) => AppDomain.CurrentDomain.AssemblyResolve -= Resolve;

        private static Assembly Resolve(object sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name);
            if (name.Name == null || name.Name.EndsWith(".resources", StringComparison.OrdinalIgnoreCase)) return null;

            // Only answer for our own files, and only for the module's own folders.
            foreach (string folder in new[] { DependencyFolder, ModuleRoot })
            {
                string candidate = Path.Combine(folder, name.Name + ".dll");
                if (!File.Exists(candidate)) continue;
                return Loaded.GetOrAdd(candidate, path =>
                {
                    // An already loaded copy of the same major version is good enough (PowerShell ignores redirects).
                    foreach (Assembly existing in AppDomain.CurrentDomain.GetAssemblies())
                    {
                        AssemblyName en = existing.GetName();
                        if (string.Equals(en.Name, name.Name, StringComparison.OrdinalIgnoreCase)
                            && (name.Version == null || en.Version?.Major == name.Version.Major))
                            return existing;
                    }
                    return Assembly.LoadFrom(path);
                });
            }
            return null;
        }
    }
}
