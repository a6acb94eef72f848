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
    public string Format(double value) => Type switch
    {
        HyperparameterType.Bool => value != 0 ? "true" : "false",
        HyperparameterType.Int => ((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture),
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public string Describe() => IsChoice
        ? $"{Name} in {{{string.Join(", ", Choices!.Select(Format))}}}"
        : $"{Name} in [{Format(Min)}, {Format(Max)}]{(Log ? " log" : "")}";
}

/// <summary>A set of searched hyperparameters, in declaration order.</summary>
public sealed class SearchSpace
{
    public SearchSpace(IEnumerable<SearchParameter> parameters)
    {
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0) throw new ArgumentException("the search space is empty: declare at least one hyperparameter under tune.space.");
        var duplicate = Parameters.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"the search space declares '{duplicate.Key}' twice.");
    }

    public IReadOnlyList<SearchParameter> Parameters { get; }

    /// <summary>Number of distinct configurations, or null when a range is continuous (infinitely many).</summary>
    public long? PointCount
    {
        get
        {
            long count = 1;
            foreach (var p in Parameters)
            {
                long n = p.IsChoice ? p.Choices!.Count
                    : p.Type == HyperparameterType.Int ? (long)(Math.Floor(p.Max) - Math.Ceiling(p.Min) + 1)
                    : p.Type == HyperparameterType.Bool ? 2
                    : -1;
                if (n < 0) return null;
                count = count > long.MaxValue / Math.Max(1, n) ? long.MaxValue : count * n;
            }
            return count;
        }
    }

    /// <summary>A stable text of the space, recorded in the journal so a resumed study searches the same space.</summary>
    public string Fingerprint() => string.Join("; ", Parameters.Select(p => $"{p.Type}:{p.Describe()}"));
}

/// <summary>One configuration: hyperparameter name → value.</summary>
public sealed class Configuration : SortedDictionary<string, double>
{
    public Configuration() : base(StringComparer.Ordinal) { }
    public Configuration(IDictionary<string, double> values) : base(values, StringComparer.Ordinal) { }

    public string Describe(SearchSpace space) =>
        string.Join(", ", space.Parameters.Where(p => ContainsKey(p.Name)).Select(p => $"{p.Name}={p.Format(this[p.Name])}"));
}
