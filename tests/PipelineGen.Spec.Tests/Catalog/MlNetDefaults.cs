using System.Globalization;
using System.Reflection;
using PipelineGen.Spec.Catalog;

namespace PipelineGen.Spec.Tests;

/// <summary>
/// Reads a hyperparameter's default from the ML.NET options object the generated code creates (the catalog names its type
/// and property), so the spec reference's defaults are ML.NET's, not typed in by hand.
/// </summary>
internal static class MlNetDefaults
{
    private static readonly Assembly[] Assemblies =
    [
        typeof(Microsoft.ML.Trainers.SdcaLogisticRegressionBinaryTrainer).Assembly,
        typeof(Microsoft.ML.Trainers.FastTree.FastTreeBinaryTrainer).Assembly,
        typeof(Microsoft.ML.Trainers.LightGbm.LightGbmBinaryTrainer).Assembly,
        // PipelineGen's own trainer (dense) has its options class in the runtime, a top-level type.
        typeof(PipelineGen.Runtime.Networks.Integration.DenseNetworkOptions).Assembly,
    ];

    public static string? Of(TrainerBinding binding, ParamInfo param)
    {
        // The binder always sets threads (1 unless the spec gives it): ML.NET's own default never applies.
        if (param.Name == "threads") return "1";
        if (binding.OptionsType is null) return null;
        var typeName = binding.OptionsType.Replace("global::", "", StringComparison.Ordinal);
        // "Ns.Trainer.Options" is the nested type "Ns.Trainer+Options".
        var lastDot = typeName.LastIndexOf('.');
        var reflectionName = typeName[..lastDot] + "+" + typeName[(lastDot + 1)..];
        var type = Assemblies.Select(a => a.GetType(reflectionName) ?? a.GetType(typeName)).FirstOrDefault(t => t is not null)
            ?? throw new InvalidOperationException($"ML.NET options type {reflectionName} not found");
        object? target = Activator.CreateInstance(type);
        var path = param.OptionProperty.Split('.');
        for (var i = 0; i < path.Length; i++)
        {
            var member = Member(target!.GetType(), path[i]);
            var value = member.Get(target);
            // LightGBM's Booster is a nested options object; when ML.NET leaves it null the generated code creates a
            // GradientBooster.Options, so its defaults are the ones that apply.
            if (value is null && i < path.Length - 1)
                value = Activator.CreateInstance(typeof(Microsoft.ML.Trainers.LightGbm.GradientBooster.Options));
            target = value;
        }
        return target switch
        {
            null => "automatic (ML.NET chooses from the data)",
            bool b => b ? "`true`" : "`false`",
            int[] list => "`[" + string.Join(", ", list.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]`",
            Enum e => "`" + e.ToString().ToLowerInvariant() + "`",
            float f => f.ToString(CultureInfo.InvariantCulture),
            double d => d.ToString(CultureInfo.InvariantCulture),
            IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
            var other => other.ToString(),
        };
    }

    private static (Func<object, object?> Get, Type Type) Member(Type type, string name)
    {
        if (type.GetField(name, BindingFlags.Public | BindingFlags.Instance) is { } field) return (field.GetValue, field.FieldType);
        if (type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is { } property) return (property.GetValue, property.PropertyType);
        throw new InvalidOperationException($"{type.FullName} has no public member {name}");
    }
}
