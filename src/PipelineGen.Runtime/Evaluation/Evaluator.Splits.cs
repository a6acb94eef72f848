using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

internal static partial class Evaluator
{
    /// <summary>
    /// One split of an evaluation: fit on the training part only, score model and baseline on the validation part, and
    /// collect what the report needs (out-of-fold predictions, permutation importance, a holdout's scores).
    /// </summary>
    private sealed class SplitRunner(IPipelineDefinition pipeline, EvaluationOptions options, string path, DataScan scan,
        EvaluationSettings evaluation, string primary, string strategy, int mlSeed, List<string> warnings)
    {
        public OutOfFoldPredictions? OutOfFold { get; init; }
        /// <summary><c>evaluate --predictions</c>: each split's scored rows are written to it as the split is scored.</summary>
        public OutOfFoldCsv? Predictions { get; init; }
        public Dictionary<string, List<double?>> Importance { get; } = new(StringComparer.Ordinal);
        /// <summary>A holdout's context and scores, kept to compare on validation chunks.</summary>
        public (MLContext Ml, IDataView Model, IDataView Baseline)? Holdout { get; private set; }

        public SplitResult Evaluate(DataSplit split, int index, int splitCount)
        {
            var settings = pipeline.Settings;
            string where = splitCount == 1 ? "validation" : split.ToString();
            // A fresh, seeded context per split: a split's numbers do not depend on what ran before it.
            var ml = new MLContext(mlSeed);
            var data = pipeline.LoadData(ml, path);
            var training = options.TrainingFraction is { } fraction and < 1
                ? TrainingSubsample.Training(data, scan.Keys, split, fraction, evaluation.Seed)
                : split.Training(data);
            var validation = split.Validation(data);

            IReadOnlyDictionary<string, double?>? modelMetrics = null;
            ITransformer? lastModel = null;
            IDataView? modelScores = null;
            IDataView trainingLabels, validationLabels;
            if (options.IncludeModel)
            {
                var model = pipeline.BuildPipeline(ml).Fit(training);
                lastModel = model;
                var scored = model.Transform(validation);
                modelScores = scored;
                modelMetrics = MetricComputer.Compute(ml, settings.Task, scored, $"model, {where}", warnings, settings.DecisionThreshold);
                options.OnModelScored?.Invoke(new ScoredSplit(index, ml, scored));
                options.OutOfFold?.Add(split, scan.RowCount, settings.Task, scored);
                // Only Label is read from these, so no scoring work is done for the baseline.
                trainingLabels = model.Transform(training);
                validationLabels = scored;
            }
            else
            {
                var preprocessing = pipeline.BuildPreprocessing(ml).Fit(training);
                trainingLabels = preprocessing.Transform(training);
                validationLabels = preprocessing.Transform(validation);
            }
            var baseline = BaselineModel.Fit(settings.Task, strategy, trainingLabels);
            var baselineScores = baseline.Score(ml, validationLabels);
            var baselineMetrics = MetricComputer.Compute(ml, settings.Task, baselineScores, $"baseline, {where}", warnings, settings.DecisionThreshold);
            // At the decision threshold, as the split's metrics counted: a reader recomputes the same numbers.
            if (modelScores is not null)
                Predictions?.Add(split, OutOfFoldCsv.SplitName(split, evaluation.Protocol), MetricComputer.Decided(settings.Task, modelScores, settings.DecisionThreshold), baselineScores);
            if (OutOfFold is not null)
            {
                OutOfFold.Add(index, validationLabels, baselineScores);
                foreach (var (column, loss) in PermutationImportance.Measure(ml, pipeline, lastModel!, validation, primary, modelMetrics![primary], mlSeed + index))
                    (Importance.TryGetValue(column, out var list) ? list : Importance[column] = []).Add(loss);
            }
            if (splitCount == 1 && options.IncludeModel)
                // At the decision threshold, as the split's metrics were: the chunks re-measure the same decisions.
                Holdout = (ml, MetricComputer.Decided(settings.Task, validationLabels, settings.DecisionThreshold),
                    MetricComputer.Decided(settings.Task, baselineScores, settings.DecisionThreshold));
            return new SplitResult(split.Repeat, split.Fold, split.TrainingRowCount, split.ValidationRowCount, modelMetrics, baselineMetrics, split.ValidationClassCounts);
        }
    }

    /// <summary>Model against baseline: on validation chunks for a large enough holdout, else split by split.</summary>
    private static BaselineComparison Compare(SplitRunner run, List<SplitResult> splits, MlTaskKind task, string primary)
    {
        if (run.Holdout is { } holdout && splits[0].ValidationRows >= 2 * HoldoutChunks)
            return CompareOnValidationChunks(holdout.Ml, task, primary, holdout.Model, holdout.Baseline);
        double ratio = splits.Average(s => s.ValidationRows / (double)s.TrainingRows);
        return BaselineComparison.Compare(primary,
            splits.Select(s => s.Model![primary]).ToArray(), splits.Select(s => s.Baseline[primary]).ToArray(), ratio);
    }
}
