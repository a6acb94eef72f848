using System.Collections.Generic;
using System.Linq;

namespace PipelineGen.Spec.Catalog;

/// <summary>One range of the default space: a trainer's hyperparameter, its bounds and scale.</summary>
public sealed record DefaultRange(string Param, double Min, double Max, bool Log);

/// <summary>A hyperparameter the default space sets but does not search: a forest's tree count (more trees never hurts a forest in expectation).</summary>
public sealed record DefaultFixed(string Param, int Value);

/// <summary>
/// What 'tune' searches when the spec's tune section has neither 'space' nor 'trainers' (as mlnet sweeps trainers):
/// the built-in trainers that fit the task, each with its capacity and regularisation knobs over ranges that hold the
/// usual good values for small and medium tabular data. Documented in docs/runtime-tuning.md (keep the two together).
/// </summary>
public static class DefaultSearchSpace
{
    private static DefaultRange R(string p, double min, double max, bool log = false) => new(p, min, max, log);

    /// <summary>Trainer → ranges, in the order the trainer choice lists them.</summary>
    private static readonly (string Trainer, DefaultRange[] Ranges)[] Space =
    {
        // Boosted trees usually win on tabular data: leaves and rounds set capacity; learning rate, leaf size,
        // feature fraction and L2 regularise.
        ("lightgbm", new[] { R("leaves", 4, 128, true), R("iterations", 20, 300, true), R("learning_rate", 0.01, 0.3, true),
            R("min_examples_per_leaf", 2, 100, true), R("feature_fraction", 0.5, 1), R("l2_regularization", 0.001, 10, true) }),
        ("fast_tree", new[] { R("leaves", 4, 64, true), R("trees", 20, 300, true), R("learning_rate", 0.02, 0.3, true),
            R("min_examples_per_leaf", 2, 50, true), R("feature_fraction", 0.5, 1) }),
        // A forest: a different bias (averaging, no shrinkage), strong on small noisy data. Its tree count is fixed, not
        // searched (see Fixed).
        ("fast_forest", new[] { R("leaves", 4, 64, true), R("min_examples_per_leaf", 1, 50, true), R("feature_fraction", 0.3, 1) }),
        // Linear models: only the penalty matters much; they win on few rows or many sparse (text, one-hot) features.
        ("lbfgs", new[] { R("l2_regularization", 0.0001, 10, true), R("l1_regularization", 0.0001, 10, true) }),
        ("sdca", new[] { R("l2_regularization", 0.00001, 1, true) }),
    };

    /// <summary>
    /// What the default space sets without searching it. A forest's error falls as trees are added and does not rise
    /// again (Probst and Boulesteix, JMLR 2018), so searching the count only lets the folds' noise pick fewer trees: the
    /// credit-g bar's searches chose forests of 105–169 trees that scored below one of 300 on the same outer folds
    /// (docs/benchmarks.md §9e). auto-sklearn fixes it the same way. Boosting's rounds stay searched: there more is
    /// not always better (they trade with the learning rate and overfit).
    /// </summary>
    private static readonly (string Trainer, DefaultFixed[] Values)[] Fixed =
    {
        ("fast_forest", new[] { new DefaultFixed("trees", 300) }),
    };

    /// <summary>
    /// The default space's first proposals, scored right after the starting trial (the spec's own configuration) and
    /// before the sampler's own: configurations known to do well on tabular data in general, as auto-sklearn 2.0 and
    /// AutoGluon start from a portfolio instead of from random points. Each is a point of the default space and sets
    /// every parameter of its branch. Today one: Breiman's random forest as the literature and AutoGluon default it —
    /// many trees (the branch's fixed 300), grown as deep as the space allows (its most leaves, one example per leaf)
    /// and a small share of the features per tree (the range's lowest, 0.3: the usual per-split share, √p/p or about
    /// 0.26·p in Probst, Boulesteix and Bischl's data-based defaults, JMLR 2019, lies below it once there are a dozen
    /// features). A forest of 300 deep trees is hard to beat on small noisy data, where the search's 5-fold scores
    /// cannot tell its neighbours apart (docs/benchmarks.md §9d–§9g).
    /// </summary>
    private static readonly (string Trainer, (string Param, double Value)[] Values)[] Starting =
    {
        ("fast_forest", new[] { ("leaves", 64.0), ("min_examples_per_leaf", 1.0), ("feature_fraction", 0.3) }),
    };

    /// <summary>
    /// The default space's starting configurations for <paramref name="task"/>: trainer and values (the branch's own
    /// parameter names), only those whose trainer fits the task.
    /// </summary>
    public static IReadOnlyList<(string Trainer, IReadOnlyList<(string Param, double Value)> Values)> StartingFor(TaskKind task) =>
        Starting.Where(s => TrainerCatalog.Find(s.Trainer)?.For(task) is not null)
            .Select(s => (s.Trainer, (IReadOnlyList<(string, double)>)s.Values)).ToArray();

    /// <summary>The values <paramref name="trainer"/>'s branch of the default space sets without searching them.</summary>
    public static IReadOnlyList<DefaultFixed> FixedFor(string trainer) =>
        Fixed.FirstOrDefault(f => f.Trainer == trainer).Values ?? [];

    /// <summary>
    /// The dense network's ranges: width and depth (the layer list as two numbers), dropout, weight decay and step size
    /// on log scales. Offered in the default space only when the spec's trainer is dense (a network trial costs
    /// hundreds of epochs; a tree spec's default study should not pay for it unasked).
    /// </summary>
    public static readonly DefaultRange[] Dense =
    {
        R("units", 8, 128, true), R("depth", 1, 3), R("dropout", 0, 0.5), R("l2", 0.000001, 0.01, true), R("learning_rate", 0.0001, 0.03, true),
    };

    /// <summary>The default space for a spec whose model.trainer is <paramref name="modelTrainer"/>: <see cref="For(TaskKind)"/>, plus the dense network's branch when that is the spec's trainer.</summary>
    public static IReadOnlyList<(string Trainer, DefaultRange[] Ranges)> For(TaskKind task, string modelTrainer) =>
        modelTrainer == DenseNetworkCatalog.Name ? For(task).Append((DenseNetworkCatalog.Name, Dense)).ToArray() : For(task);

    /// <summary>The default space for a task: the trainers above that fit it, with their ranges.</summary>
    public static IReadOnlyList<(string Trainer, DefaultRange[] Ranges)> For(TaskKind task) =>
        Space.Where(s => TrainerCatalog.Find(s.Trainer)?.For(task) is not null).ToArray();
}
