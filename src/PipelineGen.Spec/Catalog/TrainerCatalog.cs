using System;
using System.Collections.Generic;
using System.Linq;

namespace PipelineGen.Spec.Catalog;

/// <summary>The C# type of a trainer option, which decides how a literal is written.</summary>
public enum ParamType { Int, Float, Double, Bool,
    /// <summary>A list of whole numbers (the dense network's <c>layers</c>), written <c>new int[] { ... }</c>.</summary>
    IntList,
    /// <summary>One word of <see cref="ParamInfo.Choices"/> (the dense network's <c>activation</c>), written as a member of <see cref="ParamInfo.ChoiceType"/>.</summary>
    Choice }

/// <summary>One hyperparameter: its spec name, the ML.NET options property it sets, and its valid range.</summary>
/// <param name="Choices">ParamType.Choice: the allowed words. IntList: Min/Max bound each item.</param>
/// <param name="ChoiceType">ParamType.Choice: the fully qualified enum whose members (PascalCase of the words) the literal names.</param>
public sealed record ParamInfo(string Name, string OptionProperty, ParamType Type, double? Min, double? Max, bool MinExclusive, string Description,
    EquatableArray<string>? Choices = null, string? ChoiceType = null)
{
    public bool IsInRange(double value) =>
        (Min is not { } min || (MinExclusive ? value > min : value >= min)) && (Max is not { } max || value <= max);

    public string RangeText => (Min, Max) switch
    {
        ({ } min, { } max) => $"{(MinExclusive ? "greater than" : "at least")} {min} and at most {max}",
        ({ } min, null) => $"{(MinExclusive ? "greater than" : "at least")} {min}",
        (null, { } max) => $"at most {max}",
        _ => "any value",
    } + (Type == ParamType.Int ? " (a whole number)" : Type == ParamType.Bool ? " (true or false)" : "")
      + (Type == ParamType.IntList ? " (a list of whole numbers, each in that range)" : "")
      + (Type == ParamType.Choice && Choices is { } words ? " (one of " + string.Join(", ", words) + ")" : "");

    /// <summary>Searchable by tune: a number or a flag (lists and words are not: the dense network searches units and depth).</summary>
    public bool IsNumeric => Type is ParamType.Int or ParamType.Float or ParamType.Double or ParamType.Bool;
}

/// <summary>How one trainer is built for one task: the catalog method and its options type.</summary>
/// <param name="CatalogMethod">Member path under MLContext, e.g. <c>BinaryClassification.Trainers.LightGbm</c>.</param>
/// <param name="OptionsType">Fully qualified options class, or null for trainers that take only column names.</param>
/// <param name="Calibrated">Binary, and the binary trainer of a multiclass one-versus-all: whether it outputs Probability itself (else the generated code wraps it in Platt scaling fitted on out-of-fold scores, PipelineSteps.OutOfFoldPlatt or, per class, PipelineSteps.OneVersusAllOutOfFoldPlatt).</param>
/// <param name="OneVersusAll">Multiclass only: the binary trainer is wrapped in OneVersusAll.</param>
/// <param name="LogLikelihoodScores">Multiclass only: its Score is per-class log likelihoods, not probabilities (naive Bayes); the generated code follows it with their softmax, the model's posterior (PipelineSteps.Posterior).</param>
public sealed record TrainerBinding(TaskKind Task, string CatalogMethod, string? OptionsType, bool Calibrated = true, bool OneVersusAll = false,
    bool LogLikelihoodScores = false);

public enum TrainerFamily { Linear, Trees, Probabilistic,
    /// <summary>PipelineGen's own dense network (src/PipelineGen.Runtime/Networks): standardised inputs.</summary>
    Network }

public sealed record TrainerInfo(
    string Name,
    string Description,
    TrainerFamily Family,
    EquatableArray<TrainerBinding> Bindings,
    EquatableArray<ParamInfo> Params,
    string? CapacityParam,
    int DefaultCapacity)
{
    public TrainerBinding? For(TaskKind task) => Bindings.FirstOrDefault(b => b.Task == task);
    public ParamInfo? Param(string name) => Params.FirstOrDefault(p => p.Name == name);
    /// <summary>Trees split on raw values; linear models need normalised features.</summary>
    public bool NeedsNormalization => Family == TrainerFamily.Linear;
    public bool HasThreads => Param("threads") is not null;
    /// <summary>What prepare.normalize 'auto' means for this trainer: networks train on standardised inputs (zscore), linear models on minmax, trees on raw values.</summary>
    public string AutoNormalization => Family == TrainerFamily.Network ? "zscore" : NeedsNormalization ? "minmax" : "none";
}

/// <summary>Every ML.NET 5 trainer restorable here that fits the three task kinds, by spec name.</summary>
public static class TrainerCatalog
{
    private const string T = "global::Microsoft.ML.Trainers.";
    private const string FT = "global::Microsoft.ML.Trainers.FastTree.";
    private const string LG = "global::Microsoft.ML.Trainers.LightGbm.";

    private static ParamInfo Threads(string property = "NumberOfThreads") =>
        new("threads", property, ParamType.Int, 1, 1024, false, "training threads (default 1: deterministic and fast on small data)");
    private static ParamInfo L2(ParamType type) => new("l2_regularization", "L2Regularization", type, 0, null, false, "L2 penalty on weights");
    private static ParamInfo L1(ParamType type) => new("l1_regularization", "L1Regularization", type, 0, null, false, "L1 penalty on weights (sparsity)");
    private static ParamInfo Iterations(string property) => new("iterations", property, ParamType.Int, 1, null, false, "passes over the data / boosting rounds");
    private static ParamInfo LearningRate(ParamType type) => new("learning_rate", "LearningRate", type, 0, null, true, "step size");
    private static ParamInfo Leaves() => new("leaves", "NumberOfLeaves", ParamType.Int, 2, 131072, false, "maximum leaves per tree");
    private static ParamInfo Trees() => new("trees", "NumberOfTrees", ParamType.Int, 1, null, false, "number of trees");
    private static ParamInfo MinLeaf() => new("min_examples_per_leaf", "MinimumExampleCountPerLeaf", ParamType.Int, 1, null, false, "minimum training rows in a leaf (regularises trees)");
    private static ParamInfo MaxBins() => new("max_bins", "MaximumBinCountPerFeature", ParamType.Int, 2, null, false, "histogram bins per feature");

    private static ParamInfo FeatureFraction(string property = "FeatureFraction") => new("feature_fraction", property, ParamType.Double, 0, 1, true, "share of features each tree (LightGBM: each iteration) sees (regularises trees)");
    // LightGBM's booster options are a nested object: a property path with a dot is set after the options initializer.
    private static ParamInfo Booster(string name, string property, ParamType type, double? min, double? max, bool minEx, string description) =>
        new(name, "Booster." + property, type, min, max, minEx, description);

    private static EquatableArray<T1> A<T1>(params T1[] items) where T1 : IEquatable<T1> => new(items);

    public static IReadOnlyList<TrainerInfo> All { get; } = new[]
    {
        new TrainerInfo("sdca", "stochastic dual coordinate ascent: logistic regression (binary), maximum entropy (multiclass), least squares (regression)", TrainerFamily.Linear,
            A(new TrainerBinding(TaskKind.Binary, "BinaryClassification.Trainers.SdcaLogisticRegression", T + "SdcaLogisticRegressionBinaryTrainer.Options"),
              new TrainerBinding(TaskKind.Multiclass, "MulticlassClassification.Trainers.SdcaMaximumEntropy", T + "SdcaMaximumEntropyMulticlassTrainer.Options"),
              new TrainerBinding(TaskKind.Regression, "Regression.Trainers.Sdca", T + "SdcaRegressionTrainer.Options")),
            A(L2(ParamType.Float), L1(ParamType.Float), Iterations("MaximumNumberOfIterations"), Threads()), "iterations", 50),
        // ML.NET's multiclass SdcaNonCalibrated scores are raw linear scores (no softmax: negative, rows sum to 0), which
        // log loss, predict's class probabilities and ensembles would read as probabilities: multiclass is one-versus-all.
        new TrainerInfo("sdca_noncalibrated", "SDCA linear classifier, ML.NET's default log loss, without a probability of its own (binary: Platt-calibrated by PipelineGen on out-of-fold scores; multiclass: one-versus-all, each class Platt-calibrated out of fold)", TrainerFamily.Linear,
            A(new TrainerBinding(TaskKind.Binary, "BinaryClassification.Trainers.SdcaNonCalibrated", T + "SdcaNonCalibratedBinaryTrainer.Options", Calibrated: false),
              new TrainerBinding(TaskKind.Multiclass, "BinaryClassification.Trainers.SdcaNonCalibrated", T + "SdcaNonCalibratedBinaryTrainer.Options", Calibrated: false, OneVersusAll: true)),
            A(L2(ParamType.Float), L1(ParamType.Float), Iterations("MaximumNumberOfIterations"), Threads()), "iterations", 50),
        new TrainerInfo("lbfgs", "L-BFGS logistic regression (binary) / maximum entropy (multiclass)", TrainerFamily.Linear,
            A(new TrainerBinding(TaskKind.Binary, "BinaryClassification.Trainers.LbfgsLogisticRegression", T + "LbfgsLogisticRegressionBinaryTrainer.Options"),
              new TrainerBinding(TaskKind.Multiclass, "MulticlassClassification.Trainers.LbfgsMaximumEntropy", T + "LbfgsMaximumEntropyMulticlassTrainer.Options")),
            A(L2(ParamType.Float), L1(ParamType.Float), Iterations("MaximumNumberOfIterations"),
              new ParamInfo("optimization_tolerance", "OptimizationTolerance", ParamType.Float, 0, null, true, "convergence tolerance"),
              new ParamInfo("history_size", "HistorySize", ParamType.Int, 1, null, false, "L-BFGS memory size"), Threads()), "iterations", 100),
        new TrainerInfo("lbfgs_poisson", "L-BFGS Poisson regression (counts)", TrainerFamily.Linear,
            A(new TrainerBinding(TaskKind.Regression, "Regression.Trainers.LbfgsPoissonRegression", T + "LbfgsPoissonRegressionTrainer.Options")),
            A(L2(ParamType.Float), L1(ParamType.Float), Iterations("MaximumNumberOfIterations"),
              new ParamInfo("optimization_tolerance", "OptimizationTolerance", ParamType.Float, 0, null, true, "convergence tolerance"),
              new ParamInfo("history_size", "HistorySize", ParamType.Int, 1, null, false, "L-BFGS memory size"), Threads()), "iterations", 100),
        new TrainerInfo("averaged_perceptron", "averaged perceptron (binary: Platt-calibrated by PipelineGen on out-of-fold scores; multiclass: one-versus-all, each class Platt-calibrated out of fold)", TrainerFamily.Linear,
            A(new TrainerBinding(TaskKind.Binary, "BinaryClassification.Trainers.AveragedPerceptron", T + "AveragedPerceptronTrainer.Options", Calibrated: false),
              new TrainerBinding(TaskKind.Multiclass, "BinaryClassification.Trainers.AveragedPerceptron", T + "AveragedPerceptronTrainer.Options", Calibrated: false, OneVersusAll: true)),
            A(LearningRate(ParamType.Float), L2(ParamType.Float), Iterations("NumberOfIterations"),
              new ParamInfo("decrease_learning_rate", "DecreaseLearningRate", ParamType.Bool, null, null, false, "shrink the step size over time")), "iterations", 10),
        new TrainerInfo("linear_svm", "linear support vector machine, Pegasos (binary: Platt-calibrated by PipelineGen on out-of-fold scores; multiclass: one-versus-all, each class Platt-calibrated out of fold)", TrainerFamily.Linear,
            A(new TrainerBinding(TaskKind.Binary, "BinaryClassification.Trainers.LinearSvm", T + "LinearSvmTrainer.Options", Calibrated: false),
              new TrainerBinding(TaskKind.Multiclass, "BinaryClassification.Trainers.LinearSvm", T + "LinearSvmTrainer.Options", Calibrated: false, OneVersusAll: true)),
            A(new ParamInfo("lambda", "Lambda", ParamType.Float, 0, null, true, "regularisation strength"), Iterations("NumberOfIterations"),
              new ParamInfo("no_bias", "NoBias", ParamType.Bool, null, null, false, "fit without an intercept")), "iterations", 1),
        new TrainerInfo("sgd", "stochastic gradient descent logistic regression (multiclass: one-versus-all)", TrainerFamily.Linear,
            A(new TrainerBinding(TaskKind.Binary, "BinaryClassification.Trainers.SgdCalibrated", T + "SgdCalibratedTrainer.Options"),
              new TrainerBinding(TaskKind.Multiclass, "BinaryClassification.Trainers.SgdCalibrated", T + "SgdCalibratedTrainer.Options", OneVersusAll: true)),
            A(LearningRate(ParamType.Double), L2(ParamType.Float), Iterations("NumberOfIterations"), Threads()), "iterations", 20),
        new TrainerInfo("online_gradient_descent", "online gradient descent linear regression", TrainerFamily.Linear,
            A(new TrainerBinding(TaskKind.Regression, "Regression.Trainers.OnlineGradientDescent", T + "OnlineGradientDescentTrainer.Options")),
            A(LearningRate(ParamType.Float), L2(ParamType.Float), Iterations("NumberOfIterations"),
              new ParamInfo("decrease_learning_rate", "DecreaseLearningRate", ParamType.Bool, null, null, false, "shrink the step size over time")), "iterations", 1),
        new TrainerInfo("naive_bayes", "multiclass naive Bayes (features are treated as binary: > 0); class probabilities are its posterior (softmax of its log-likelihoods), known to be overconfident", TrainerFamily.Probabilistic,
            A(new TrainerBinding(TaskKind.Multiclass, "MulticlassClassification.Trainers.NaiveBayes", null, LogLikelihoodScores: true)),
            EquatableArray<ParamInfo>.Empty, null, 0),
        new TrainerInfo("fast_tree", "gradient-boosted decision trees, MART (multiclass: one-versus-all)", TrainerFamily.Trees,
            A(new TrainerBinding(TaskKind.Binary, "BinaryClassification.Trainers.FastTree", FT + "FastTreeBinaryTrainer.Options"),
              new TrainerBinding(TaskKind.Multiclass, "BinaryClassification.Trainers.FastTree", FT + "FastTreeBinaryTrainer.Options", OneVersusAll: true),
              new TrainerBinding(TaskKind.Regression, "Regression.Trainers.FastTree", FT + "FastTreeRegressionTrainer.Options")),
            A(Leaves(), Trees(), MinLeaf(), LearningRate(ParamType.Double), MaxBins(), FeatureFraction(),
              new ParamInfo("bagging_fraction", "BaggingExampleFraction", ParamType.Double, 0, 1, true, "share of rows each bag draws (used when bagging_size > 0)"),
              new ParamInfo("bagging_size", "BaggingSize", ParamType.Int, 0, null, false, "trees per bag; 0: no bagging"), Threads()), "trees", 100),
        new TrainerInfo("fast_tree_tweedie", "gradient-boosted trees with a Tweedie loss (non-negative targets)", TrainerFamily.Trees,
            A(new TrainerBinding(TaskKind.Regression, "Regression.Trainers.FastTreeTweedie", FT + "FastTreeTweedieTrainer.Options")),
            A(Leaves(), Trees(), MinLeaf(), LearningRate(ParamType.Double), MaxBins(), FeatureFraction(),
              new ParamInfo("bagging_fraction", "BaggingExampleFraction", ParamType.Double, 0, 1, true, "share of rows each bag draws (used when bagging_size > 0)"),
              new ParamInfo("bagging_size", "BaggingSize", ParamType.Int, 0, null, false, "trees per bag; 0: no bagging"), Threads()), "trees", 100),
        new TrainerInfo("fast_forest", "random forest (binary: Platt-calibrated by PipelineGen on out-of-fold scores; multiclass: one-versus-all, each class Platt-calibrated out of fold)", TrainerFamily.Trees,
            A(new TrainerBinding(TaskKind.Binary, "BinaryClassification.Trainers.FastForest", FT + "FastForestBinaryTrainer.Options", Calibrated: false),
              new TrainerBinding(TaskKind.Multiclass, "BinaryClassification.Trainers.FastForest", FT + "FastForestBinaryTrainer.Options", Calibrated: false, OneVersusAll: true),
              new TrainerBinding(TaskKind.Regression, "Regression.Trainers.FastForest", FT + "FastForestRegressionTrainer.Options")),
            A(Leaves(), Trees(), MinLeaf(), MaxBins(), FeatureFraction(),
              new ParamInfo("bagging_fraction", "BaggingExampleFraction", ParamType.Double, 0, 1, true, "share of rows each tree is fitted on"), Threads()), "trees", 100),
        new TrainerInfo("gam", "generalised additive model of boosted shallow trees; interpretable (multiclass: one-versus-all)", TrainerFamily.Trees,
            A(new TrainerBinding(TaskKind.Binary, "BinaryClassification.Trainers.Gam", FT + "GamBinaryTrainer.Options"),
              new TrainerBinding(TaskKind.Multiclass, "BinaryClassification.Trainers.Gam", FT + "GamBinaryTrainer.Options", OneVersusAll: true),
              new TrainerBinding(TaskKind.Regression, "Regression.Trainers.Gam", FT + "GamRegressionTrainer.Options")),
            A(Iterations("NumberOfIterations"), LearningRate(ParamType.Double), MaxBins(), MinLeaf(),
              new ParamInfo("entropy_coefficient", "EntropyCoefficient", ParamType.Double, 0, 1, false, "entropy regularisation of splits"), Threads()), "iterations", 9500),
        new TrainerInfo("lightgbm", "LightGBM gradient-boosted trees", TrainerFamily.Trees,
            A(new TrainerBinding(TaskKind.Binary, "BinaryClassification.Trainers.LightGbm", LG + "LightGbmBinaryTrainer.Options"),
              new TrainerBinding(TaskKind.Multiclass, "MulticlassClassification.Trainers.LightGbm", LG + "LightGbmMulticlassTrainer.Options"),
              new TrainerBinding(TaskKind.Regression, "Regression.Trainers.LightGbm", LG + "LightGbmRegressionTrainer.Options")),
            A(Leaves(), Iterations("NumberOfIterations"), MinLeaf(), LearningRate(ParamType.Double), MaxBins(),
              Booster("l1_regularization", "L1Regularization", ParamType.Double, 0, null, false, "L1 penalty on leaf values"),
              Booster("l2_regularization", "L2Regularization", ParamType.Double, 0, null, false, "L2 penalty on leaf values"),
              Booster("feature_fraction", "FeatureFraction", ParamType.Double, 0, 1, true, "share of features each iteration sees (regularises trees)"),
              Booster("bagging_fraction", "SubsampleFraction", ParamType.Double, 0, 1, true, "share of rows each iteration sees (used when bagging_frequency > 0)"),
              Booster("bagging_frequency", "SubsampleFrequency", ParamType.Int, 0, null, false, "redraw the bagged rows every k iterations; 0: no bagging"),
              Booster("max_depth", "MaximumTreeDepth", ParamType.Int, 0, null, false, "maximum tree depth; 0: no limit"),
              Booster("min_split_gain", "MinimumSplitGain", ParamType.Double, 0, null, false, "minimum loss reduction to split"),
              Booster("min_child_weight", "MinimumChildWeight", ParamType.Double, 0, null, false, "minimum sum of hessians in a leaf"), Threads()), "iterations", 100),
        DenseNetworkCatalog.Trainer,
    };

    public static TrainerInfo? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    public static IEnumerable<string> NamesFor(TaskKind task) => All.Where(t => t.For(task) is not null).Select(t => t.Name);

    /// <summary>What a spec gets when it names no trainer.</summary>
    public const string DefaultTrainer = "lightgbm";
}
