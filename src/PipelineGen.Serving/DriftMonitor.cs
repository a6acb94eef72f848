using PipelineGen.Runtime;
using PipelineGen.Runtime.Exploration;
using PipelineGen.Runtime.Training;
using ColumnProfile = PipelineGen.Runtime.Training.ColumnProfile;

namespace PipelineGen.Serving;

/// <summary>
/// Drift at the edge: running statistics of the feature values the service received (a uniform sample of each numeric
/// column, the counts of each categorical one, missing values), compared on demand with the model's training profile by
/// the same code <c>explore</c> uses (<see cref="DriftComparison"/>: PSI over the training deciles or top categories, KS for
/// numbers) and reported with the same verdict words. Memory is bounded: <see cref="SampleSize"/> values per numeric
/// column and <see cref="TrainingProfile.MaxCategories"/> categories per categorical one.
/// </summary>
public sealed class DriftMonitor<TInput> where TInput : class, new()
{
    /// <summary>Values kept per numeric column (the training profile keeps as many).</summary>
    public const int SampleSize = TrainingProfile.SampleSize;

    /// <summary>Below this many rows served, no verdict is given (PSI of a handful of rows is noise).</summary>
    public const int MinimumRows = 100;

    private readonly Column[] _columns;
    private readonly object _gate = new();
    private readonly TrainingProfile? _profile;
    private readonly string? _noProfile;
    private long _rows;

    internal DriftMonitor(IReadOnlyList<RowBinder<TInput>.Field> fields, TrainingProfile? profile, string? noProfile)
    {
        _profile = profile;
        _noProfile = noProfile;
        _columns = fields
            .Where(f => f.Column.Role == ColumnRole.Feature && f.Column.Kind is ColumnKind.Numeric or ColumnKind.Categorical)
            .Select(Column.Create).Where(c => c is not null).Select(c => c!).ToArray();
    }

    public DateTimeOffset Since { get; } = DateTimeOffset.UtcNow;

    /// <summary>Records rows that were predicted (rows refused with a 400 are not inputs the model saw).</summary>
    public void Observe(IReadOnlyList<TInput> rows)
    {
        lock (_gate)
        {
            _rows += rows.Count;
            foreach (var row in rows)
                foreach (var column in _columns) column.Observe(row);
        }
    }

    public void Observe(TInput row)
    {
        lock (_gate)
        {
            _rows++;
            foreach (var column in _columns) column.Observe(row);
        }
    }

    /// <summary>The comparison of everything received since the model was loaded with its training profile.</summary>
    public DriftReport Report(string modelVersion)
    {
        lock (_gate)
        {
            var columns = new List<DriftColumnReport>();
            foreach (var column in _columns)
            {
                var trained = _profile?.Columns.GetValueOrDefault(column.Name);
                ColumnDrift drift = _profile is null
                    ? NotComputed(column.Name, $"{_noProfile}; the inputs cannot be compared with training")
                    : _rows < MinimumRows
                        ? NotComputed(column.Name, $"{_rows} rows received; a verdict needs at least {MinimumRows}")
                        : trained is null
                            ? NotComputed(column.Name, "the training profile has no statistics for this column")
                            : column.Compare(trained, _profile.Rows);
                columns.Add(DriftColumnReport.From(drift));
            }
            var worst = columns.Select(c => c.Verdict).DefaultIfEmpty("notcomputed")
                .OrderByDescending(v => v switch { "major" => 3, "moderate" => 2, "stable" => 1, _ => 0 }).First();
            return new DriftReport(modelVersion, Since, _rows, _profile?.Rows, worst, columns);
        }
    }

    private static ColumnDrift NotComputed(string name, string why) => new(name, double.NaN, double.NaN, double.NaN, DriftVerdict.NotComputed, [], why);

    private abstract class Column(string name)
    {
        public string Name { get; } = name;
        protected long Present, Missing;
        public abstract void Observe(TInput row);
        public abstract ColumnDrift Compare(ColumnProfile trained, long trainedRows);

        public static Column? Create(RowBinder<TInput>.Field field)
        {
            var getter = field.Property.GetGetMethod();
            if (getter is null) return null;
            var type = field.Property.PropertyType;
            if (field.Column.Kind == ColumnKind.Numeric && type == typeof(float))
            {
                var get = getter.CreateDelegate<Func<TInput, float>>();
                return new Numeric(field.Column.Name, row => get(row));
            }
            if (field.Column.Kind == ColumnKind.Numeric && type == typeof(double))
                return new Numeric(field.Column.Name, getter.CreateDelegate<Func<TInput, double>>());
            if (field.Column.Kind == ColumnKind.Categorical && type == typeof(string))
                return new Categorical(field.Column.Name, getter.CreateDelegate<Func<TInput, string?>>());
            return null;
        }
    }

    private sealed class Numeric(string name, Func<TInput, double> get) : Column(name)
    {
        // Seeded: the same requests give the same report.
        private readonly ReservoirSample _sample = new(SampleSize, seed: 42);

        public override void Observe(TInput row)
        {
            var v = get(row);
            if (double.IsNaN(v)) { Missing++; return; }
            Present++;
            _sample.Add(v);
        }

        public override ColumnDrift Compare(ColumnProfile trained, long trainedRows) => trained.Sample is { } sample
            ? DriftComparison.Numeric(Name, sample, trainedRows - trained.Missing, trained.Missing, _sample.Values, Present, Missing)
            : NotComputed(Name, "the training profile holds no sample of this column (trained by an older version: train again)");
    }

    private sealed class Categorical(string name, Func<TInput, string?> get) : Column(name)
    {
        private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

        public override void Observe(TInput row)
        {
            var v = get(row);
            if (string.IsNullOrEmpty(v)) { Missing++; return; }
            Present++;
            // Past the cap new values are still counted as present: they land in "(other)" in the comparison.
            if (_counts.TryGetValue(v, out var c)) _counts[v] = c + 1;
            else if (_counts.Count < TrainingProfile.MaxCategories) _counts[v] = 1;
        }

        public override ColumnDrift Compare(ColumnProfile trained, long trainedRows) => trained.CategoryCounts is { } counts
            ? DriftComparison.Categorical(Name, counts, trainedRows - trained.Missing, trained.Missing, _counts, Present, Missing)
            : NotComputed(Name, trained.CategoriesComplete
                ? "the training profile holds no category counts (trained by an older version: train again)"
                : $"the column had more than {TrainingProfile.MaxCategories} categories in training; they were not kept");
    }
}
