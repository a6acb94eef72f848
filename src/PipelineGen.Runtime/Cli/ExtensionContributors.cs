using System.Reflection;

namespace PipelineGen.Runtime.Cli;

public static partial class PipelineApp
{
    /// <summary>
    /// Optional packages whose commands join the host when the application references them (their assembly is in the
    /// app's dependencies). The runtime does not reference them: <c>PipelineGen.Export</c> carries ONNX Runtime's native
    /// library, which only projects that export should ship.
    /// </summary>
    private static readonly string[] ExtensionAssemblies = ["PipelineGen.Export"];

    private static IEnumerable<ICommandContributor> ExtensionContributors()
    {
        foreach (var name in ExtensionAssemblies)
        {
            Assembly assembly;
            try { assembly = Assembly.Load(new AssemblyName(name)); }
            catch (FileNotFoundException) { continue; } // not referenced: no such commands
            foreach (var type in assembly.GetExportedTypes().Where(t => typeof(ICommandContributor).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }))
                if (type.GetConstructor(Type.EmptyTypes) is not null)
                    yield return (ICommandContributor)Activator.CreateInstance(type)!;
        }
    }
}
