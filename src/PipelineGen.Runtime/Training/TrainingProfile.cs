using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Training;

/// <summary>What one feature column looked like in the training data, as the pipeline's loader read it.</summary>
internal sealed record ColumnProfile
{
    public required string Kind { get; init; }
    /// <summary>Rows whose value was missing (NaN, or a missing-value token for text).</summary>
    public long Missing { get; init; }
    /// <summary>Numeric columns: smallest and largest finite value; null when the column had none.</summary>
    public double? Min { get; init; }
    public double? Max { get; init; }
    /// <summary>Categorical columns: the distinct values seen (missing tokens excluded), sorted ordinally.</summary>
    public IReadOnlyList<string>? Categories { get; init; }
    /// <summary>False when the column had more than <see cref="TrainingProfile.MaxCategories"/> values: the list is then not kept.</summary>
    public bool CategoriesComplete { get; init; } = true;
    /// <summary>
    /// Numeric columns: a seeded uniform sample of up to <see cref="TrainingProfile.SampleSize"/> present values, the training
    /// side of the REST service's drift check (PSI over its deciles, KS against the inputs served). Null in older profiles.
    /// </summary>
    public IReadOnlyList<double>? Sample { get; init; }
    /// <summary>Categorical columns: how many rows held each category (when <see cref="CategoriesComplete"/>); null in older profiles.</summary>
    public SortedDictionary<string, long>? CategoryCounts { get; init; }
    /// <summary>
    /// DateTime columns: the earliest and latest date (UTC, as the loader reads it), so a row from another period (a
    /// later year, an unseen month) is said to be outside training; null when the column had none, and in older profiles.
    /// </summary>
    public DateTime? Earliest { get; init; }
    public DateTime? Latest { get; init; }

    private Dictionary<double, string?>? _numericCategories;

    /// <summary>
    /// Categorical columns: the training category a JSON number names. Its own text when training had it (<c>3</c> →
    /// "3"), else the one category whose text is the same number (<c>3.0</c> → "3"): JSON does not tell 3 from 3.0, a
    /// client serialising a float column writes 3.0, and the browser page's <c>String(3.0)</c> is "3". Null when no
    /// category (or more than one, "3" and "3.0") is that number: the text stays as written and is reported as unseen.
    /// </summary>
    public string? CategoryOfNumber(string raw, double value)
    {
        if (Categories is not { Count: > 0 } categories || !CategoriesComplete) return null;
        if (IsCategory(categories, raw)) return raw;
        var byValue = LazyInitializer.EnsureInitialized(ref _numericCategories, () =>
        {
            var index = new Dictionary<double, string?>();
            foreach (var category in categories)
                if (double.TryParse(category, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
                    index[number] = index.ContainsKey(number) ? null : category;
            return index;
        });
        return byValue.TryGetValue(value, out var named) ? named : null;
    }

    // Categories are sorted ordinally (see Categories).
    private static bool IsCategory(IReadOnlyList<string> categories, string text) =>
        categories switch
        {
            string[] array => Array.BinarySearch(array, text, StringComparer.Ordinal) >= 0,
            List<string> list => list.BinarySearch(text, StringComparer.Ordinal) >= 0,
            _ => categories.Contains(text, StringComparer.Ordinal),
        };
}

/// <summary>
/// A small file beside the model (<c>&lt;model&gt;.profile.json</c>) with the training range of every numeric feature and the
/// categories of every categorical feature, so <c>predict</c> can say when a row holds a value the model never saw.
/// Separate from the model card so either can change without the other; tied to the model by its SHA-256.
/// </summary>
internal sealed record TrainingProfile
{
    /// <summary>Beyond this many distinct values a categorical column's list is not kept (and unseen values are not checked).</summary>
    public const int MaxCategories = 10_000;

    /// <summary>Values kept per numeric column for drift checks (a reservoir sample; the same size explore compares).</summary>
    public const int SampleSize = 2_000;

    public int Version { get; init; } = 1;
    /// <summary>SHA-256 of the model file this profile belongs to.</summary>
    public required string ModelSha256 { get; init; }
    public required long Rows { get; init; }
    public required SortedDictionary<string, ColumnProfile> Columns { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string PathFor(string modelPath) => Path.ChangeExtension(modelPath, ".profile.json");

    /// <summary>One streaming pass over <paramref name="data"/> (the pipeline's loader output) for the feature columns.</summary>
    public static TrainingProfile Compute(PipelineSettings settings, IDataView data, string modelSha256)
    {
        var features = settings.Features
            .Select(c => (Info: c, Column: data.Schema.GetColumnOrNull(c.Name)))
            .Where(p => p.Column is { IsHidden: false } && p.Info.Kind is ColumnKind.Numeric or ColumnKind.Categorical or ColumnKind.DateTime)
            .Select(p => (p.Info, Column: p.Column!.Value))
            .ToArray();
        using var cursor = data.GetRowCursor(features.Select(f => f.Column));
        var accumulators = features.Select(f => Accumulator.Create(cursor, f.Info, f.Column, settings.MissingTokenSetOf(f.Info))).Where(a => a is not null).Select(a => a!).ToArray();
        long rows = 0;
        while (cursor.MoveNext())
        {
            rows++;
            foreach (var accumulator in accumulators) accumulator.Add();
        }
        return new TrainingProfile
        {
            ModelSha256 = modelSha256,
            Rows = rows,
            Columns = new SortedDictionary<string, ColumnProfile>(accumulators.ToDictionary(a => a.Name, a => a.Result()), StringComparer.Ordinal),
        };
    }

    public void Write(string modelPath) => AtomicFile.WriteAllText(PathFor(modelPath), JsonSerializer.Serialize(this, Json));

    /// <summary>
    /// The profile of the model at <paramref name="modelPath"/>, or null with the reason in <paramref name="why"/> (no file,
    /// unreadable, or written for another model file).
    /// </summary>
    public static TrainingProfile? TryReadFor(string modelPath, out string? why)
    {
        // The profile lives in the model's version folder: follow the pointer as loading the model does.
        var modelFile = ModelStore.Resolve(modelPath);
        var path = PathFor(modelFile);
        why = null;
        if (!File.Exists(path))
        {
            why = $"there is no training profile beside the model ({path}; 'train' writes it)";
            return null;
        }
        try
        {
            var profile = JsonSerializer.Deserialize<TrainingProfile>(File.ReadAllText(path), Json);
            if (profile is null) { why = $"the training profile {path} is empty"; return null; }
            if (!string.Equals(profile.ModelSha256, FileHash.Sha256(modelFile), StringComparison.OrdinalIgnoreCase))
            {
                why = $"the training profile {path} belongs to another model file (SHA-256 differs; retrain to rewrite both)";
                return null;
            }
            return profile;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            why = $"the training profile {path} cannot be read ({e.Message})";
            return null;
        }
    }

    private abstract class Accumulator(string name)
    {
        public string Name { get; } = name;
        public abstract void Add();
        public abstract ColumnProfile Result();

        public static Accumulator? Create(DataViewRowCursor cursor, ColumnInfo info, DataViewSchema.Column column, HashSet<string> missingTokens) => column.Type switch
        {
            var t when t == NumberDataViewType.Single => new Range<float>(info.Name, cursor.GetGetter<float>(column), v => v),
            var t when t == NumberDataViewType.Double => new Range<double>(info.Name, cursor.GetGetter<double>(column), v => v),
            TextDataViewType when info.Kind == ColumnKind.Categorical => new Categories(info.Name, cursor.GetGetter<ReadOnlyMemory<char>>(column), missingTokens),
            DateTimeDataViewType => new Dates(info.Name, cursor.GetGetter<DateTime>(column)),
            _ => null,
        };
    }

    private sealed class Range<T>(string name, ValueGetter<T> getter, Func<T, double> toDouble) : Accumulator(name)
    {
        private T _value = default!;
        private long _missing;
        private double _min = double.PositiveInfinity, _max = double.NegativeInfinity;
        // A fixed seed: the same data gives the same profile file.
        private readonly Exploration.Reservoir<double> _sample = new(SampleSize, seed: 42);

        public override void Add()
        {
            getter(ref _value);
            double v = toDouble(_value);
            if (double.IsNaN(v)) { _missing++; return; }
            if (double.IsInfinity(v)) return;
            if (v < _min) _min = v;
            if (v > _max) _max = v;
            _sample.Offer(v);
        }

        public override ColumnProfile Result() => new()
        {
            Kind = nameof(ColumnKind.Numeric),
            Missing = _missing,
            Min = _min <= _max ? _min : null,
            Max = _min <= _max ? _max : null,
            Sample = _sample.Items.ToArray(),
        };
    }

    /// <summary>The loader's default DateTime is its missing date (empty field): counted missing, not as year 1.</summary>
    private sealed class Dates(string name, ValueGetter<DateTime> getter) : Accumulator(name)
    {
        private DateTime _value;
        private long _missing;
        private DateTime? _earliest, _latest;

        public override void Add()
        {
            getter(ref _value);
            if (_value == default) { _missing++; return; }
            if (_earliest is null || _value < _earliest) _earliest = _value;
            if (_latest is null || _value > _latest) _latest = _value;
        }

        public override ColumnProfile Result() => new()
        {
            Kind = nameof(ColumnKind.DateTime),
            Missing = _missing,
            Earliest = _earliest,
            Latest = _latest,
        };
    }

    private sealed class Categories(string name, ValueGetter<ReadOnlyMemory<char>> getter, HashSet<string> missingTokens) : Accumulator(name)
    {
        private ReadOnlyMemory<char> _value;
        private long _missing;
        private Dictionary<string, long>? _seen = new(StringComparer.Ordinal);

        public override void Add()
        {
            getter(ref _value);
            var text = _value.ToString();
            // Same test as the data scan: a missing-value token (after trimming) is a missing value, not a category.
            if (missingTokens.Contains(text.Trim())) { _missing++; return; }
            if (_seen is null) return;
            _seen[text] = _seen.GetValueOrDefault(text) + 1;
            if (_seen.Count > MaxCategories) _seen = null;
        }

        public override ColumnProfile Result() => new()
        {
            Kind = nameof(ColumnKind.Categorical),
            Missing = _missing,
            Categories = _seen?.Keys.Order(StringComparer.Ordinal).ToArray(),
            CategoriesComplete = _seen is not null,
            CategoryCounts = _seen is null ? null : new SortedDictionary<string, long>(_seen, StringComparer.Ordinal),
        };
    }

    internal static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    internal static string Format(DateTime value) => value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
