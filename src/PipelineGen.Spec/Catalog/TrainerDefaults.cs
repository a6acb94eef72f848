using System.Collections.Generic;

namespace PipelineGen.Spec.Catalog;

/// <summary>
/// What each trainer hyperparameter is when a spec leaves it out: ML.NET's own option default (PipelineGen's for the
/// dense network), as invariant text. This library does not reference ML.NET, so the values are written here;
/// <c>TrainerDefaultsTests</c> (Spec.Tests) reads every one from the options object the generated code creates and fails
/// when an ML.NET update changes one. The generator emits them, with the spec's values, into the settings'
/// <c>Hyperparameters</c>, which is what the model card, the run store and the evaluation context show.
/// </summary>
public static class TrainerDefaults
{
    /// <summary>The option is null by default: ML.NET chooses the value from the data when it trains.</summary>
    public const string Automatic = "auto";

    // No hyperparameter's default differs between the tasks of one trainer today (the test checks every binding).
    private static readonly Dictionary<string, string> ByName = new()
    {
        ["sdca/l2_regularization"] = Automatic, ["sdca/l1_regularization"] = Automatic, ["sdca/iterations"] = Automatic,
        ["sdca_noncalibrated/l2_regularization"] = Automatic, ["sdca_noncalibrated/l1_regularization"] = Automatic,
        ["sdca_noncalibrated/iterations"] = Automatic,
        ["lbfgs/l2_regularization"] = "1", ["lbfgs/l1_regularization"] = "1", ["lbfgs/iterations"] = "2147483647",
        ["lbfgs/optimization_tolerance"] = "1E-07", ["lbfgs/history_size"] = "20",
        ["lbfgs_poisson/l2_regularization"] = "1", ["lbfgs_poisson/l1_regularization"] = "1",
        ["lbfgs_poisson/iterations"] = "2147483647", ["lbfgs_poisson/optimization_tolerance"] = "1E-07",
        ["lbfgs_poisson/history_size"] = "20",
        ["averaged_perceptron/learning_rate"] = "1", ["averaged_perceptron/l2_regularization"] = "0",
        ["averaged_perceptron/iterations"] = "10", ["averaged_perceptron/decrease_learning_rate"] = "false",
        ["linear_svm/lambda"] = "0.001", ["linear_svm/iterations"] = "1", ["linear_svm/no_bias"] = "false",
        ["sgd/learning_rate"] = "0.01", ["sgd/l2_regularization"] = "1E-06", ["sgd/iterations"] = "20",
        ["online_gradient_descent/learning_rate"] = "0.1", ["online_gradient_descent/l2_regularization"] = "0",
        ["online_gradient_descent/iterations"] = "1", ["online_gradient_descent/decrease_learning_rate"] = "true",
        ["fast_tree/leaves"] = "20", ["fast_tree/trees"] = "100", ["fast_tree/min_examples_per_leaf"] = "10",
        ["fast_tree/learning_rate"] = "0.2", ["fast_tree/max_bins"] = "255", ["fast_tree/feature_fraction"] = "1",
        ["fast_tree/bagging_fraction"] = "0.7", ["fast_tree/bagging_size"] = "0",
        ["fast_tree_tweedie/leaves"] = "20", ["fast_tree_tweedie/trees"] = "100", ["fast_tree_tweedie/min_examples_per_leaf"] = "10",
        ["fast_tree_tweedie/learning_rate"] = "0.2", ["fast_tree_tweedie/max_bins"] = "255",
        ["fast_tree_tweedie/feature_fraction"] = "1", ["fast_tree_tweedie/bagging_fraction"] = "0.7",
        ["fast_tree_tweedie/bagging_size"] = "0",
        ["fast_forest/leaves"] = "20", ["fast_forest/trees"] = "100", ["fast_forest/min_examples_per_leaf"] = "10",
        ["fast_forest/max_bins"] = "255", ["fast_forest/feature_fraction"] = "0.7", ["fast_forest/bagging_fraction"] = "0.7",
        ["gam/iterations"] = "9500", ["gam/learning_rate"] = "0.002", ["gam/max_bins"] = "255",
        ["gam/min_examples_per_leaf"] = "10", ["gam/entropy_coefficient"] = "0",
        ["lightgbm/leaves"] = Automatic, ["lightgbm/iterations"] = "100", ["lightgbm/min_examples_per_leaf"] = Automatic,
        ["lightgbm/learning_rate"] = Automatic, ["lightgbm/max_bins"] = "255", ["lightgbm/l1_regularization"] = "0",
        ["lightgbm/l2_regularization"] = "0.01", ["lightgbm/feature_fraction"] = "1", ["lightgbm/bagging_fraction"] = "1",
        ["lightgbm/bagging_frequency"] = "0", ["lightgbm/max_depth"] = "0", ["lightgbm/min_split_gain"] = "0",
        ["lightgbm/min_child_weight"] = "0.1",
        ["dense/layers"] = "[64, 32]", ["dense/units"] = "0", ["dense/depth"] = "0", ["dense/activation"] = "relu",
        ["dense/dropout"] = "0", ["dense/l2"] = "0.0001", ["dense/epochs"] = "200", ["dense/batch_size"] = "64",
        ["dense/learning_rate"] = "0.001", ["dense/schedule"] = "constant", ["dense/early_stopping"] = "10",
        ["dense/validation_fraction"] = "0.1", ["dense/seed"] = "1",
    };

    /// <summary>
    /// The default of <paramref name="param"/> of <paramref name="trainer"/> for <paramref name="task"/>; null when the
    /// catalog has no such parameter. <c>threads</c> is 1: the binder always sets it, ML.NET's own default never applies.
    /// </summary>
    public static string? Of(string trainer, TaskKind task, string param)
    {
        _ = task;
        if (param == "threads" && TrainerCatalog.Find(trainer)?.Param(param) is not null) return "1";
        return ByName.TryGetValue(trainer + "/" + param, out var text) ? text : null;
    }
}
