using Microsoft.Data.Sqlite;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// Halving / Hyperband spending a share of the trees or iterations (tune.halving_budget): the schedule, real studies that
/// show what each rung fitted (iterations given to LightGBM, rows seen), auto over a space mixing a trainer with a count
/// and one without, and resume refusing another budget kind.
/// </summary>
public sealed class HalvingIterationBudgetTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_project, recursive: true);
    }

    private static PipelineSettings Flat(int? iterations, string? capacity = "iterations") => new()
    {
        Name = "P", Task = MlTaskKind.BinaryClassification, LabelColumn = "y", TrainerName = "lightgbm", TrainDataPath = "d.csv", Columns = [],
        CapacityHyperparameter = capacity,
        Hyperparameters = new Dictionary<string, string> { ["leaves"] = "8", ["iterations"] = iterations?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "auto" },
    };

    private static TuningSettings Space(params SearchParameter[] parameters) => new() { Strategy = "hyperband", Space = parameters };

    [Theory]
    [InlineData(5, 3, 1)]    // below the minimum: still one level (1/3 of 5 = 2 trees)
    [InlineData(20, 3, 1)]   // 20/9 < 10
    [InlineData(90, 3, 2)]   // 90/9 = 10
    [InlineData(269, 3, 2)]
    [InlineData(270, 3, 3)]  // 270/27 = 10
    [InlineData(100000, 3, 4)] // at most 4
    [InlineData(40, 2, 2)]   // 40/4 = 10
    public void Iteration_levels_keep_the_smallest_full_count_at_ten_or_more_at_the_lowest_rung(int smallest, int eta, int levels) =>
        Assert.Equal(levels, HalvingBudget.IterationLevels(smallest, eta));

    [Fact]
    public void A_rung_fits_its_share_of_the_searched_count_on_all_rows_and_the_schedule_follows_the_smallest_count()
    {
        var budget = HalvingBudget.For(Flat(40), Space(SearchParameter.Range("iterations", HyperparameterType.Int, 90, 900, log: true)), "auto");
        Assert.Equal(("iterations", 90), (budget.Resolved, budget.SmallestFullCount));
        var options = HalvingOptions.For("hyperband", trainingRowsPerFold: 100, eta: 3, budget: budget);
        // 100 rows would allow one level of rows (100/3 ≥ 50); the iteration budget is limited by 90 trees only.
        Assert.Equal((2, "iterations"), (options.MaxLevel, options.Budget));
        Assert.Equal("eta=3;levels=2;sampler=bayesian;budget=iterations", options.Describe());
        var config = new Configuration { ["iterations"] = 300 };
        var counts = Enumerable.Range(0, 3).Select(level => budget.At(config, options.Fraction(level))).Select(fit => (int)fit.Configuration["iterations"]).ToArray();
        Assert.Equal(new[] { 33, 100, 300 }, counts);
        Assert.All(Enumerable.Range(0, 3), level => Assert.Null(budget.At(config, options.Fraction(level)).RowFraction));
        Assert.Equal("1/9 of the iterations", budget.Describe(config, options.Fraction(0)));
        // The cost of a rung is its fraction whatever it spends (budget units).
        Assert.Equal(1.0 / 9, options.Fraction(0), 12);
    }

    [Fact]
    public void A_count_left_at_auto_or_a_trainer_without_a_knob_spends_rows_and_iterations_then_is_refused()
    {
        var space = Space(SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64));
        // int.MaxValue: L-BFGS's default "until convergence", which auto used to cut to "1/3 = 715827882 iterations".
        foreach (var settings in new[] { Flat(null), Flat(40, capacity: null), Flat(int.MaxValue) })
        {
            var budget = HalvingBudget.For(settings, space, "auto");
            Assert.Equal("rows", budget.Resolved);
            var fit = budget.At(new Configuration { ["leaves"] = 8 }, 1.0 / 3);
            Assert.Equal((1.0 / 3, false), (fit.RowFraction!.Value, fit.Configuration.ContainsKey("iterations")));
            var refused = Assert.Throws<ArgumentException>(() => HalvingBudget.For(settings, space, "iterations"));
            Assert.Contains("lightgbm has none", refused.Message);
            Assert.Contains("--halving-budget auto", refused.Message);
        }
        // rows is rows even with a count, and its options read as before the budget kind existed (old studies resume).
        var rows = HalvingBudget.For(Flat(40), space, "rows");
        Assert.Equal("rows", rows.Resolved);
        Assert.Equal("eta=3;levels=1;sampler=bayesian", HalvingOptions.For("halving", 200, budget: rows).Describe());
        Assert.Equal("rows", HalvingOptions.BudgetOf("eta=3;levels=1;sampler=bayesian"));
    }

    [Fact]
    public void Auto_over_a_searched_trainer_uses_each_kind_where_it_applies_and_levels_satisfy_both_minimums()
    {
        var pipeline = new MixedTitanicPipeline(_project);
        var budget = HalvingBudget.For(pipeline, "auto");
        Assert.Equal(("auto", 40), (budget.Resolved, budget.SmallestFullCount));
        Assert.Equal(new[] { "lightgbm" }, budget.IterationTrainers);
        Assert.Equal(new[] { "linear" }, budget.RowTrainers);
        // At eta 2, 1000 rows per fold allow 4 levels of rows (log2(1000/50) = 4.3) and 40 trees 2 (40/4 = 10): both hold at 2.
        Assert.Equal(2, HalvingOptions.For("halving", 1000, eta: 2, budget: budget).MaxLevel);
        var gbm = budget.At(new Configuration { ["trainer"] = 0, ["lightgbm.leaves"] = 4 }, 0.25);
        Assert.Equal((10.0, (double?)null), (gbm.Configuration["lightgbm.iterations"], gbm.RowFraction));
        var linear = budget.At(new Configuration { ["trainer"] = 1, ["linear.l2_regularization"] = 1 }, 0.25);
        Assert.Equal((0.25, false), (linear.RowFraction!.Value, linear.Configuration.ContainsKey("lightgbm.iterations")));
        Assert.Throws<ArgumentException>(() => HalvingBudget.For(pipeline, "iterations"));
    }

    private static TuningSettings TitanicSpace(string strategy, int trials) => new()
    {
        Strategy = strategy,
        Trials = trials,
        Space =
        [
            SearchParameter.Range("leaves", HyperparameterType.Int, 2, 16, log: true),
            SearchParameter.Range("iterations", HyperparameterType.Int, 40, 80),
        ],
    };

    [Fact]
    public void Tune_with_the_iteration_budget_fits_low_rungs_with_fewer_trees_on_all_rows()
    {
        var pipeline = new TunableTitanicPipeline(_project, TitanicSpace("halving", 4));
        var output = new StringWriter();
        var error = new StringWriter();
        // eta 2: the smallest count 40 allows two levels (40/4 = 10 trees at the lowest rung).
        int exit = PipelineApp.Run(["tune", "--sampler", "random", "--eta", "2", "--halving-budget", "iterations"], pipeline, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        var text = output.ToString();
        Assert.Contains("Halving budget (iterations): low rungs spend a share of iterations (full: the searched value)", text);
        Assert.Contains("of the iterations, pruned", text);
        Assert.Contains("rung 1/3: 4 on 1/4 of the iterations", text);
        Assert.Contains("<li>rung 1/3: 4 on 1/4 of the iterations", File.ReadAllText(Path.Combine(_project, ".pipelinegen", "reports", "Titanic.study.html")));

        using var journal = new TuningJournal(Path.Combine(_project, ".pipelinegen", "tune.db"));
        var study = journal.LatestStudy("Titanic")!;
        Assert.Equal("eta=2;levels=2;sampler=random;budget=iterations", study.Options);
        var rungs = journal.Rungs(study.Id);
        Assert.Equal(4 + 2 + 1, rungs.Count);
        // What was fitted: each rung evaluation gave LightGBM round(fraction × its searched count) trees, on every split.
        var fits = pipeline.Fits.ToArray();
        foreach (var rung in rungs)
        {
            int expected = (int)Math.Round(rung.Fraction * rung.Configuration["iterations"], MidpointRounding.AwayFromZero);
            Assert.True(fits.Count(f => f.Iterations == expected) >= 4, $"rung {rung.Rung} of trial {rung.Trial}: no fit with {expected} iterations on the 4 folds");
        }
        Assert.Contains(fits, f => f.Iterations < 20);
        // ... and on all of each training fold: the low rungs' fits saw the same row counts as the full ones.
        var full = rungs.Where(r => r.Fraction == 1).Select(r => (int)r.Configuration["iterations"]).ToHashSet();
        var foldRows = fits.Where(f => full.Contains(f.Iterations)).Select(f => f.Rows).ToHashSet();
        Assert.All(fits.Where(f => f.Rows < foldRows.Max()), f => Assert.Contains(f.Rows, foldRows));
        Assert.True(fits.Min(f => f.Rows) == foldRows.Min(), $"a fit saw {fits.Min(f => f.Rows)} rows, a full-budget one at least {foldRows.Min()}");
    }

    [Fact]
    public void Tune_with_auto_over_two_trainers_spends_trees_for_lightgbm_and_rows_for_the_linear_trainer()
    {
        var pipeline = new MixedTitanicPipeline(_project);
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["tune", "--sampler", "random", "--eta", "2", "--strategy", "halving", "--trials", "10", "--seed", "3"], pipeline, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        Assert.Contains("Halving budget (auto): low rungs spend a share of lightgbm: iterations (full 40); linear: rows.", output.ToString());
        using var journal = new TuningJournal(Path.Combine(_project, ".pipelinegen", "tune.db"));
        var study = journal.LatestStudy("Titanic")!;
        Assert.EndsWith(";budget=auto", study.Options);
        var fits = pipeline.Fits.ToArray();
        var gbm = fits.Where(f => f.Trainer == "lightgbm").ToArray();
        var linear = fits.Where(f => f.Trainer == "linear").ToArray();
        Assert.NotEmpty(gbm);
        Assert.NotEmpty(linear);
        // LightGBM: 1/2 of 40 trees at the low rung, on the same rows as its full fits.
        Assert.Equal(new[] { 20, 40 }, gbm.Select(f => f.Iterations!.Value).Distinct().Order().ToArray());
        var gbmRows = gbm.Where(f => f.Iterations == 40).Select(f => f.Rows).ToHashSet();
        Assert.All(gbm.Where(f => f.Iterations == 20), f => Assert.Contains(f.Rows, gbmRows));
        // The linear trainer: about half of each training fold at the low rung.
        Assert.True(linear.Min(f => f.Rows) * 1.8 < gbm.Min(f => f.Rows), $"linear fits saw {linear.Min(f => f.Rows)}+ rows, LightGBM {gbm.Min(f => f.Rows)}+");
    }

    [Fact]
    public void Worker_processes_fit_the_same_trees_as_in_process_and_low_rungs_leave_no_out_of_fold_file()
    {
        // The fault host serves this same tunable titanic (leaves, learning_rate; 40 trees declared) in worker processes.
        var host = typeof(HalvingIterationBudgetTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false).Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "FaultHost").Value!;
        Assert.True(File.Exists(host), $"the fault host was not built: {host}");
        var tuning = new TuningSettings
        {
            Space =
            [
                SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true),
                SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.01, 0.5, log: true),
            ],
        };
        TuneReport Run(string journal, int? workers) => PipelineTuner.Run(new TunableTitanicPipeline(_project, tuning), new TuneOptions
        {
            Strategy = "hyperband", BudgetUnits = 3, Eta = 2, HalvingBudget = "iterations", Ensemble = true, WriteLock = false, Seed = 5,
            JournalPath = Path.Combine(_project, journal), Workers = workers, WorkerCommand = workers is null ? null : new WorkerCommand("dotnet", [host, _project]),
        });
        var inProcess = Run("a.db", null);
        var processes = Run("b.db", 1);
        static Dictionary<(int, int), double?> Values(TuneReport r) => r.Result.Rungs.ToDictionary(x => (x.Trial, x.Rung), x => x.Value);
        Assert.Equal(Values(inProcess), Values(processes));
        Assert.Contains(processes.Result.Rungs, r => r.Fraction < 1);
        var directory = PipelineGen.Runtime.Tuning.Ensembles.OutOfFoldStore.Directory(processes.WorkDirectory!, processes.Result.Study.Id);
        Assert.All(processes.Result.Trials.Where(t => t.State == "pruned"), t => Assert.False(File.Exists(PipelineGen.Runtime.Tuning.Ensembles.OutOfFoldStore.PathOf(directory, t.Number)), $"pruned trial {t.Number} has an out-of-fold file"));
        // The starting point (trial 1, the full budget as built) scores the same in a worker process, and is a candidate
        // like every full-budget trial (its out-of-fold file is written there too).
        Assert.True(inProcess.Result.Trials[0].Configuration.IsStartingPoint);
        Assert.Equal(inProcess.Result.Trials[0].Value, processes.Result.Trials[0].Value);
        Assert.All(processes.Result.Completed, t => Assert.True(File.Exists(PipelineGen.Runtime.Tuning.Ensembles.OutOfFoldStore.PathOf(directory, t.Number)), $"full-budget trial {t.Number} has no out-of-fold file"));
    }

    [Fact]
    public void Resuming_a_study_with_another_budget_kind_is_refused_with_the_reason()
    {
        var pipeline = new TunableTitanicPipeline(_project, TitanicSpace("hyperband", 3));
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, PipelineApp.Run(["tune", "--sampler", "random", "--halving-budget", "rows"], pipeline, output, error));
        int exit = PipelineApp.Run(["tune", "--resume", "--sampler", "random", "--halving-budget", "iterations"], pipeline, output, error);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("the halving budget changed (study spent rows, now iterations", error.ToString());
    }

    /// <summary>
    /// A titanic pipeline whose tune space searches the trainer, as generated code does: LightGBM (40 trees, a capacity
    /// knob) or L-BFGS logistic regression (no count). Every fit is recorded with its trainer, trees and rows.
    /// </summary>
    private sealed class MixedTitanicPipeline : TitanicTestPipeline, ITunablePipeline
    {
        private readonly TrialConfiguration? _trial;

        public MixedTitanicPipeline(string project, TrialConfiguration? trial = null, List<(string, int?, long)>? fits = null) : base(project)
        {
            _trial = trial;
            Fits = fits ?? [];
            Settings = Settings with
            {
                TrainerName = "lightgbm",
                SpecHash = "mixed-budget-hash",
                Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.KFold, Folds = 3, Seed = 7 },
            };
        }

        public List<(string Trainer, int? Iterations, long Rows)> Fits { get; }

        public TuningSettings Tuning { get; } = new()
        {
            Strategy = "halving",
            Trials = 10,
            Space =
            [
                SearchParameter.Labelled("trainer", "lightgbm", "linear"),
                SearchParameter.Range("lightgbm.leaves", HyperparameterType.Int, 2, 16).When("trainer", 0),
                SearchParameter.Range("linear.l2_regularization", HyperparameterType.Float, 0.01, 10, log: true).When("trainer", 1),
            ],
            TrainerHyperparameters = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["lightgbm"] = new Dictionary<string, string> { ["leaves"] = "8", ["iterations"] = "40", ["threads"] = "1" },
                ["linear"] = new Dictionary<string, string> { ["l2_regularization"] = "1", ["threads"] = "1" },
            },
            TrainerCapacityHyperparameters = new Dictionary<string, string> { ["lightgbm"] = "iterations" },
        };

        public IReadOnlyList<string> HyperparameterNames { get; } = ["trainer", "lightgbm.leaves", "lightgbm.iterations", "linear.l2_regularization"];
        public IReadOnlyDictionary<string, string> PinnedHyperparameters { get; } = new Dictionary<string, string>();
        public string LockFilePath => Path.Combine(Settings.ProjectDirectory, "pipeline.lock.yaml");

        public IPipelineDefinition WithHyperparameters(IReadOnlyDictionary<string, double> values)
        {
            foreach (var name in values.Keys)
                if (!HyperparameterNames.Contains(name)) throw new ArgumentException($"unknown hyperparameter '{name}'");
            return new MixedTitanicPipeline(Settings.ProjectDirectory, TrialConfiguration.Split(Tuning.Space, values), Fits);
        }

        public new IEstimator<ITransformer> BuildTrainer(MLContext ml)
        {
            var values = _trial?.Hyperparameters ?? new Dictionary<string, double>();
            if (_trial?.Trainer == "linear")
            {
                var l2 = values.TryGetValue("l2_regularization", out var v) ? (float)v : 1f;
                return new FitRecorder(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { L2Regularization = l2, NumberOfThreads = 1 }),
                    rows => { lock (Fits) Fits.Add(("linear", null, rows)); });
            }
            int iterations = values.TryGetValue("iterations", out var it) ? (int)Math.Round(it) : 40;
            int leaves = values.TryGetValue("leaves", out var l) ? (int)Math.Round(l) : 8;
            return new FitRecorder(ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                NumberOfIterations = iterations, LearningRate = 0.2, NumberOfLeaves = leaves, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1, Seed = 1,
            }), rows => { lock (Fits) Fits.Add(("lightgbm", iterations, rows)); });
        }

        IEstimator<ITransformer> IPipelineDefinition.BuildTrainer(MLContext ml) => BuildTrainer(ml);
        IEstimator<ITransformer> IPipelineDefinition.BuildPipeline(MLContext ml) => BuildPreprocessing(ml).Append(BuildTrainer(ml));
    }
}
