using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace GPhotos.Commands.Infrastructure
{
    /// <summary>
    /// Loads third-party assemblies (Google.Apis*, Newtonsoft.Json, SharpZipLib...) from the module's
    /// <c>Dependencies</c> folder, the way PSResourceGet does. On PowerShell 7 they go into a private
    /// AssemblyLoadContext (created by reflection: netstandard2.0 has no such type), so another module's copy in the
    /// default context never meets ours. On Windows PowerShell 5.1 they are loaded directly (strong-named assemblies
    /// of different versions live side by side there). Either way a request is only answered with a file of the
    /// module's own folder whose version is the one asked for or higher; an older copy some other module already
    /// loaded is never taken (PowerShell ignores binding redirects, so "same major version" was not safe: an older
    /// Google.Apis 1.x lacks members we call).
    /// </summary>
    public sealed class DependencyResolver : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly Assembly Self = typeof(DependencyResolver).Assembly;
        private static readonly string ModuleRoot = Path.GetDirectoryName(Self.Location);
        private static readonly string DependencyFolder = Path.Combine(ModuleRoot, "Dependencies");
        private static readonly ConcurrentDictionary<string, Assembly> Loaded = new ConcurrentDictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);
        private static readonly Lazy<Dictionary<string, AssemblyName>> Shipped = new Lazy<Dictionary<string, AssemblyName>>(ReadShipped);
        private static readonly Lazy<LoadContextProxy> Context = new Lazy<LoadContextProxy>(() => LoadContextProxy.Create("GPhotos.Dependencies"));

        public void OnImport() => AppDomain.CurrentDomain.AssemblyResolve += Resolve;

        public void OnRemove(PSModuleInfo psModuleInfo) => AppDomain.CurrentDomain.AssemblyResolve -= Resolve;

        /// <summary>True on PowerShell 7 (.NET with AssemblyLoadContext), where dependencies load into a private context.</summary>
        public static bool IsIsolated => Context.Value != null;

        private static Assembly Resolve(object sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name);
            if (name.Name == null || name.Name.EndsWith(".resources", StringComparison.OrdinalIgnoreCase)) return null;
            // Answer our own assemblies only (another module's failed load is its business); .NET Framework often
            // does not say who asks, and then the name alone decides.
            if (args.RequestingAssembly != null && !IsOurs(args.RequestingAssembly)) return null;
            string path = Pick(name, Shipped.Value, DependencyFolder, ModuleRoot);
            if (path == null) return null;
            return Loaded.GetOrAdd(path, p =>
            {
                // GPhotos.Core sits beside GPhotos.dll and shares its types with it: same (default) context. The
                // third-party files go into the private context on PowerShell 7.
                LoadContextProxy context = Context.Value;
                bool isDependency = string.Equals(Path.GetDirectoryName(p), DependencyFolder, StringComparison.OrdinalIgnoreCase);
                return context != null && isDependency ? context.LoadFromAssemblyPath(p) : Assembly.LoadFrom(p);
            });
        }

        private static bool IsOurs(Assembly assembly)
        {
            if (assembly == Self || Loaded.Values.Contains(assembly)) return true;
            string location;
            try { location = assembly.IsDynamic ? null : assembly.Location; }
            catch (NotSupportedException) { return false; }
            string folder = string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
            return string.Equals(folder, ModuleRoot, StringComparison.OrdinalIgnoreCase) || string.Equals(folder, DependencyFolder, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>
        /// The module file that satisfies <paramref name="requested"/>: same simple name, version equal or higher (a
        /// request without a version takes any). Null when the module has no such file: the host answers, or the load fails.
        /// </summary>
        internal static string Pick(AssemblyName requested, IReadOnlyDictionary<string, AssemblyName> shipped, string dependencyFolder, string moduleRoot)
        {
            if (!shipped.TryGetValue(requested.Name, out AssemblyName have)) return null;
            if (requested.Version != null && (have.Version == null || have.Version < requested.Version)) return null;
            string inDependencies = Path.Combine(dependencyFolder, requested.Name + ".dll");
            return File.Exists(inDependencies) ? inDependencies : Path.Combine(moduleRoot, requested.Name + ".dll");
        }

        /// <summary>The name and version of every DLL the module ships (read from the files, not loaded).</summary>
        private static Dictionary<string, AssemblyName> ReadShipped()
        {
            var map = new Dictionary<string, AssemblyName>(StringComparer.OrdinalIgnoreCase);
            foreach (string folder in new[] { ModuleRoot, DependencyFolder })
            {
                if (!Directory.Exists(folder)) continue;
                foreach (string file in Directory.GetFiles(folder, "*.dll"))
                {
                    try { map[Path.GetFileNameWithoutExtension(file)] = AssemblyName.GetAssemblyName(file); }
                    catch (BadImageFormatException) { } // not a managed assembly: nothing to resolve
                }
            }
            return map;
        }

        /// <summary>
        /// A System.Runtime.Loader.AssemblyLoadContext reached by reflection (the module targets netstandard2.0,
        /// which lacks the type; PowerShell 7's runtime has it, Windows PowerShell's does not: then null).
        /// </summary>
        private sealed class LoadContextProxy
        {
            private readonly object _context;
            private readonly MethodInfo _loadFromPath;

            private LoadContextProxy(object context, MethodInfo loadFromPath) { _context = context; _loadFromPath = loadFromPath; }

            public static LoadContextProxy Create(string name)
            {
                Type alc = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext");
                ConstructorInfo ctor = alc?.GetConstructor(new[] { typeof(string), typeof(bool) });
                MethodInfo load = alc?.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) });
                if (ctor == null || load == null) return null;
                return new LoadContextProxy(ctor.Invoke(new object[] { name, false }), load);
            }

            public Assembly LoadFromAssemblyPath(string path)
            {
                try { return (Assembly)_loadFromPath.Invoke(_context, new object[] { path }); }
                catch (TargetInvocationException ex) when (ex.InnerException != null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                    throw;
                }
            }
        }
    }
}
