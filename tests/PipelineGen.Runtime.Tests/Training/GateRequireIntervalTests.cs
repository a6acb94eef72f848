using PipelineGen.Runtime.Gates;
using PipelineGen.Runtime.Runs;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// Gates with <c>require: interval</c> on a real evaluation (the Titanic sample, 300 rows, LightGBM with one thread): a
/// threshold between the interval's bound and the mean passes on the mean and fails on the interval — for min, max,
/// improvement, per-class and per-group gates — and a holdout protocol, which gives no interval, fails the gate with why and
/// what to do, in the console, the located error, the card and 'runs compare'.
/// </summary>
public sealed class GateRequireIntervalTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private static GateSettings Gate(string metric, GateKind kind, double threshold, string? cls = null, string? group = null) =>
        new(metric, kind, threshold, cls, group, "pipeline.yaml", 12, 5);

    /// <summary>The Titanic stand-in on the given protocol with the given gates (what the generator emits for a 'gates' section).</summary>
    private sealed class Protocol : TitanicTestPipeline
    {
        public Protocol(string project, EvaluationSettings evaluation, params GateSettings[] gates) : base(project) =>
            Settings = Settings with { SpecHash = "interval-spec-hash", Evaluation = evaluation, Gates = gates };
    }

    private static readonly EvaluationSettings FourFold = new() { Protocol = EvaluationProtocol.KFold, Folds = 4, Seed = 7 };

    // The bound on the failing side: lower for min and min_improvement, upper for max.
    private static double Bound(GateKind kind, double? low, double? high) => (kind == GateKind.Max ? high : low)!.Value;

    [Fact]
    public void A_threshold_the_mean_clears_but_the_interval_does_not_passes_with_require_mean_and_fails_with_require_interval()
    {
        GateSettings[] gates =
        [
            Gate("auc", GateKind.Min, 0.5),
            Gate("log_loss", GateKind.Max, 1),
            Gate("auc", GateKind.MinImprovement, 0),
            Gate("recall", GateKind.Min, 0.3, cls: "1"),
            Gate("accuracy", GateKind.Min, 0.5, group: "sex"),
        ];
        var pipeline = new Protocol(_project, FourFold, gates);
        var measured = GateCheck.Measure(pipeline, gates);
        var first = GateCheck.Check(measured, gates);
        for (int i = 0; i < gates.Length; i++)
        {
            var (gate, result) = (gates[i], first[i]);
            // Per group: every value's mean must clear the threshold, and the lowest lower bound must not.
            double mean = result.Segments is { Count: > 1 } s ? s.Min(v => v.Mean!.Value) : result.Value!.Value;
            double bound = result.Segments is { Count: > 1 } g ? g.Min(v => v.CiLow!.Value) : Bound(gate.Kind, result.CiLow, result.CiHigh);
            Assert.True(gate.Kind == GateKind.Max ? bound > mean : bound < mean, $"{gate.Describe()}: no spread between {bound} and {mean}");
            double between = (bound + mean) / 2;

            var onMean = Recheck(measured, gates, i, gate with { Threshold = between });
            Assert.True(onMean.Passed, onMean.Message);
            var onInterval = Recheck(measured, gates, i, gate with { Threshold = between, Require = GateRequire.Interval });
            Assert.False(onInterval.Passed, onInterval.Message);
            log.WriteLine($"{onMean.Short}\n{onInterval.Gate} {onInterval.Short}");
            var side = gate.Kind == GateKind.Max ? "upper bound" : "lower bound";
            Assert.EndsWith($"{GateCheck.Fmt(between)} (require: interval)", onInterval.Message);
            Assert.Contains($": {side} {GateCheck.Fmt(bound)} {(gate.Kind == GateKind.Max ? ">" : "<")} ", onInterval.Message);
            Assert.EndsWith("(require: interval)", onInterval.Gate);

            // Beyond the bound (the interval entirely on the passing side) it passes with either.
            double beyond = bound + (gate.Kind == GateKind.Max ? 0.001 : -0.001);
            var clear = Recheck(measured, gates, i, gate with { Threshold = beyond, Require = GateRequire.Interval });
            Assert.True(clear.Passed, clear.Message);
            Assert.Contains($"{side} {GateCheck.Fmt(bound)} {(gate.Kind == GateKind.Max ? "<=" : ">=")} ", clear.Message);
        }
    }

    // The measurement keeps per-class and per-group values by the gate's position: check gate i replaced in the same list.
    private static GateResult Recheck(GateMeasurement measured, GateSettings[] gates, int i, GateSettings replaced) =>
        GateCheck.Check(measured, gates.Select((g, j) => j == i ? replaced : g).ToArray())[i];

    [Fact]
    public void Per_group_with_require_interval_names_the_value_with_the_lowest_lower_bound_as_the_worst()
    {
        var gate = Gate("accuracy", GateKind.Min, 0.5, group: "sex");
        var measured = GateCheck.Measure(new Protocol(_project, FourFold, gate), [gate]);
        var segments = GateCheck.Check(measured, [gate])[0].Segments!;
        Assert.Equal(2, segments.Count);
        var lowestBound = segments.MinBy(s => s.CiLow)!;
        var threshold = lowestBound.CiLow!.Value + 0.0001;
        var result = GateCheck.Check(measured, [gate with { Threshold = threshold, Require = GateRequire.Interval }])[0];
        Assert.False(result.Passed);
        Assert.Contains($"in 'sex' = '{lowestBound.Segment}'", result.Message);
        Assert.Equal([false], result.Segments!.Where(s => s.Segment == lowestBound.Segment).Select(s => s.Passed));
    }

    [Fact]
    public void A_group_value_measured_in_one_split_fails_require_interval_with_the_reason_and_passes_on_the_mean()
    {
        // parch 3 and parch 4 have one row each in the sample: on 4 folds each is validated in exactly one split.
        var gate = Gate("accuracy", GateKind.Min, 0, group: "parch");
        var measured = GateCheck.Measure(new Protocol(_project, FourFold, gate), [gate]);
        var onMean = GateCheck.Check(measured, [gate])[0];
        Assert.True(onMean.Passed, onMean.Message);
        Assert.Equal(1, onMean.Segments!.Single(s => s.Segment == "3").Splits);

        var onInterval = GateCheck.Check(measured, [gate with { Require = GateRequire.Interval }])[0];
        Assert.False(onInterval.Passed);
        Assert.Matches(@"^accuracy in 'parch' = '[34]' \(the worst of 6 value\(s\)\) [01] \(one split: no interval\) fails \(require: interval\): an interval needs the value measured in at least two splits; evaluate with 'protocol: kfold' or 'repeated_kfold' \(with rows of that value in every split's validation part\), or gate on the mean with 'require: mean'$", onInterval.Message);
        // Every value with an interval clears 0 with it; only the two one-split values fail.
        Assert.Equal(["3", "4"], onInterval.Segments!.Where(s => !s.Passed).Select(s => s.Segment).Order());
    }

    [Fact]
    public void A_holdout_protocol_has_no_interval_so_require_interval_fails_with_the_reason_in_console_error_card_and_runs_compare()
    {
        var holdout = new EvaluationSettings { Protocol = EvaluationProtocol.Holdout, HoldoutFraction = 0.3, Seed = 7 };
        var onMean = Run(new Protocol(_project, holdout, Gate("auc", GateKind.Min, 0.5)), "train");
        Assert.True(onMean.Exit == 0, onMean.Output + onMean.Error);
        Assert.Contains("(one split: no interval) meets the gate >= 0.5", onMean.Output);

        var onInterval = Run(new Protocol(_project, holdout, Gate("auc", GateKind.Min, 0.5) with { Require = GateRequire.Interval }), "train");
        Assert.Equal(1, onInterval.Exit);
        log.WriteLine(onInterval.Output + onInterval.Error);
        Assert.Contains("FAIL  auc >= 0.5 (require: interval): auc 0.", onInterval.Output);
        var spec = Path.Combine(_project, "pipeline.yaml");
        Assert.Matches(@"(?m)^" + System.Text.RegularExpressions.Regex.Escape(spec)
            + @"\(12,5\): error PG0410: auc 0\.\d+ \(one split: no interval\) fails \(require: interval\): an interval needs the value measured in at least two splits; evaluate with 'protocol: kfold' or 'repeated_kfold'.*or gate on the mean with 'require: mean'\. The model is kept as candidate",
            onInterval.Error);

        var modelPath = Path.Combine(_project, ".pipelinegen", "models", "Titanic.zip");
        var candidate = ModelVersions.List(modelPath).Single(v => v.Version != ModelStore.CurrentVersion(modelPath));
        var gate = Assert.Single(candidate.Card!.Gates!);
        Assert.False(gate.Passed);
        Assert.Null(gate.CiLow);
        Assert.Contains("| auc >= 0.5 (require: interval) | **FAIL** |", candidate.Card.ToMarkdown());

        string[] ids;
        using (var store = new RunStore(RunStore.DefaultPath(new Protocol(_project, holdout).Settings)))
            ids = store.List(10).Where(r => r.Step == "train").Select(r => r.Id).Reverse().ToArray();
        var compare = Run(new Protocol(_project, holdout), "runs", "compare", ids[0], ids[1]);
        Assert.True(compare.Exit == 0, compare.Error);
        Assert.Contains("gate auc >= 0.5 (require: interval)", compare.Output);
        Assert.Contains("FAIL: auc", compare.Output);
    }

    private static (int Exit, string Output, string Error) Run(IPipelineDefinition pipeline, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineGen.Runtime.Cli.PipelineApp.Run(args, pipeline, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
