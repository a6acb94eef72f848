using System.Globalization;

namespace PipelineGen.Runtime.Tuning;

/// <summary>The C# type of the trainer option a hyperparameter sets: decides rounding and how a value is written.</summary>
public enum HyperparameterType { Int, Float, Bool }

/// <summary>
/// One searched hyperparameter: a range (<see cref="Min"/>..<see cref="Max"/>, linear or log scale) or an explicit
/// list of <see cref="Choices"/>. Values are doubles throughout (a flag is 0 or 1); <c>FromDomain</c> rounds
/// whole-number parameters.
/// </summary>
public sealed record SearchParameter(string Name, HyperparameterType Type, double Min, double Max, bool Log, IReadOnlyList<double>? Choices = null)
{
    public bool IsChoice => Choices is { Count: > 0 };

    /// <summary>Names of the choices 0, 1, ... of a labelled choice (the trainer, an encoding): printed instead of the index.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>The choice parameter this one depends on (conditional space): active only when it has <see cref="ParentValue"/>.</summary>
    public string? Parent { get; init; }
    public double ParentValue { get; init; }

    /// <summary>Whether this parameter takes part in a configuration whose earlier parameters are <paramref name="partial"/>.</summary>
    public bool IsActive(IReadOnlyDictionary<string, double> partial) =>
        Parent is null || (partial.TryGetValue(Parent, out var v) && v == ParentValue);

    /// <summary>A choice among named options (stored as their index 0..n-1), e.g. the trainer or a categorical encoding.</summary>
    public static SearchParameter Labelled(string name, params string[] labels)
    {
        if (labels.Length == 0) throw new ArgumentException($"search choices of '{name}' are empty.");
        if (labels.Distinct().Count() != labels.Length) throw new ArgumentException($"search choices of '{name}' repeat a name.");
        return new SearchParameter(name, HyperparameterType.Int, 0, labels.Length - 1, false, Enumerable.Range(0, labels.Length).Select(i => (double)i).ToArray()) { Labels = labels };
    }

    /// <summary>This parameter, active only when <paramref name="parent"/> is <paramref name="value"/> (e.g. a trainer's own hyperparameter).</summary>
    public SearchParameter When(string parent, double value) => this with { Parent = parent, ParentValue = value };

    /// <summary>Index of a label of a labelled choice, or -1.</summary>
    public int IndexOf(string label) => Labels is null ? -1 : Labels.ToList().IndexOf(label);

    public static SearchParameter Range(string name, HyperparameterType type, double min, double max, bool log = false)
    {
        if (!(min < max)) throw new ArgumentException($"search range of '{name}': min {min} is not below max {max}.");
        if (log && min <= 0) throw new ArgumentException($"search range of '{name}': a log scale needs min > 0, got {min}.");
        if (type == HyperparameterType.Int && Math.Floor(max) < Math.Ceiling(min))
            throw new ArgumentException($"search range of '{name}': no whole number lies between {min} and {max}.");
        return new SearchParameter(name, type, min, max, log);
    }

    public static SearchParameter Choice(string name, HyperparameterType type, params double[] values)
    {
        if (values.Length == 0) throw new ArgumentException($"search choices of '{name}' are empty.");
        var distinct = values.Distinct().ToArray();
        return new SearchParameter(name, type, distinct.Min(), distinct.Max(), false, distinct);
    }

    /// <summary>Lower and upper end of the sampling domain (log space for a log scale; whole numbers widened by half a step).</summary>
    internal (double Low, double High) Domain
    {
        get
        {
            double low = Min, high = Max;
            if (Type == HyperparameterType.Int) { low = Math.Ceiling(Min) - 0.5; high = Math.Floor(Max) + 0.5; }
            if (Log) { low = Math.Log(Math.Max(low, Min * 0.5)); high = Math.Log(high); }
            return (low, high);
        }
    }

    /// <summary>A domain point back to a value of the parameter (exp for log, rounded and clamped for whole numbers).</summary>
    internal double FromDomain(double x)
    {
        double v = Log ? Math.Exp(x) : x;
        if (Type == HyperparameterType.Int) v = Math.Round(v, MidpointRounding.AwayFromZero);
        return Math.Clamp(v, Type == HyperparameterType.Int ? Math.Ceiling(Min) : Min, Type == HyperparameterType.Int ? Math.Floor(Max) : Max);
    }

    internal double ToDomain(double value) => Log ? Math.Log(value) : value;

    /// <summary>Whether <paramref name="value"/> is one this parameter can take.</summary>
    public bool Contains(double value)
    {
        if (IsChoice) return Choices!.Contains(value);
        if (Type == HyperparameterType.Int && value != Math.Round(value)) return false;
        return value >= Min && value <= Max;
    }

    /// <summary>The value as the trainer option's type would print it (whole numbers without decimals, flags as true/false).</summary>
    public string Format(double value) => Labels is not null && value >= 0 && value < Labels.Count && value == Math.Round(value) ? Labels[(int)value] : Type switch
    {
        HyperparameterType.Bool => value != 0 ? "true" : "false",
        HyperparameterType.Int => ((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture),
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public string Describe() => (IsChoice
        ? $"{Name} in {{{string.Join(", ", Choices!.Select(Format))}}}"
        : $"{Name} in [{Format(Min)}, {Format(Max)}]{(Log ? " log" : "")}") + (Parent is null ? "" : $" if {Parent}={ParentValue.ToString("R", CultureInfo.InvariantCulture)}");

    /// <summary>Number of values (null: a continuous range).</summary>
    internal long? ValueCount => IsChoice ? Choices!.Count
        : Type == HyperparameterType.Int ? (long)(Math.Floor(Max) - Math.Ceiling(Min) + 1)
        : Type == HyperparameterType.Bool ? 2
        : null;
}

/// <summary>A set of searched hyperparameters, in declaration order.</summary>
internal sealed class SearchSpace
{
    public SearchSpace(IEnumerable<SearchParameter> parameters)
    {
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0) throw new ArgumentException("the search space is empty: declare at least one hyperparameter under tune.space.");
        var duplicate = Parameters.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"the search space declares '{duplicate.Key}' twice.");
        // A conditional parameter depends on an earlier choice that is itself unconditional (one level: trainer -> its
        // parameters), so samplers can decide each parameter after its parent and the grid can count branches.
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (Parameters[i].Parent is not { } parent) continue;
            int at = Parameters.Take(i).ToList().FindIndex(p => p.Name == parent);
            if (at < 0) throw new ArgumentException($"'{Parameters[i].Name}' depends on '{parent}', which is not declared before it.");
            var owner = Parameters[at];
            if (!owner.IsChoice || owner.Parent is not null || !owner.Choices!.Contains(Parameters[i].ParentValue))
                throw new ArgumentException($"'{Parameters[i].Name}' depends on '{parent}' = {Parameters[i].ParentValue}, which is not one of its choices (or '{parent}' is itself conditional).");
        }
    }

    public IReadOnlyList<SearchParameter> Parameters { get; }

    /// <summary>Number of distinct configurations, or null when a range is continuous (infinitely many).</summary>
    public long? PointCount => Count(p => p.ValueCount);

    /// <summary>Parameters that depend on no other, in declaration order.</summary>
    public IEnumerable<SearchParameter> Roots => Parameters.Where(p => p.Parent is null);

    /// <summary>The parameters active only when <paramref name="parent"/> has <paramref name="value"/>.</summary>
    public IEnumerable<SearchParameter> ChildrenOf(SearchParameter parent, double value) =>
        Parameters.Where(c => c.Parent == parent.Name && c.ParentValue == value);

    /// <summary>
    /// Configurations when each parameter has <paramref name="count"/> values: per root, the sum over its values of the
    /// product of its children's counts (a trainer's own parameters multiply only that trainer's branch); roots multiply.
    /// </summary>
    internal long? Count(Func<SearchParameter, long?> count)
    {
        long total = 1;
        foreach (var root in Roots)
        {
            long? size = count(root);
            if (size is null) return null;
            if (root.IsChoice && Parameters.Any(c => c.Parent == root.Name))
            {
                long sum = 0;
                foreach (var v in root.Choices!)
                {
                    long branch = 1;
                    foreach (var child in ChildrenOf(root, v))
                    {
                        if (count(child) is not { } n) return null;
                        branch = Times(branch, n);
                    }
                    sum = sum > long.MaxValue - branch ? long.MaxValue : sum + branch;
                }
                size = sum;
            }
            total = Times(total, size.Value);
        }
        return total;
    }

    private static long Times(long a, long b) => a > long.MaxValue / Math.Max(1, b) ? long.MaxValue : a * b;

    /// <summary>A stable text of the space, recorded in the journal so a resumed study searches the same space.</summary>
    public string Fingerprint() => string.Join("; ", Parameters.Select(p => $"{p.Type}:{p.Describe()}"));
}
