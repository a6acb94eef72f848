using System.Globalization;

namespace PipelineGen.Runtime.Tuning;

/// <summary>One configuration: hyperparameter name → value.</summary>
internal sealed class Configuration : SortedDictionary<string, double>
{
    public Configuration() : base(StringComparer.Ordinal) { }
    public Configuration(IDictionary<string, double> values) : base(values, StringComparer.Ordinal) { }

    public string Describe(SearchSpace space) =>
        string.Join(", ", space.Parameters.Where(p => ContainsKey(p.Name)).Select(p => $"{p.Name}={p.Format(this[p.Name])}"));
}
