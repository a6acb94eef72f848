using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// The binary decision <c>predict</c> makes: a row is positive when P(positive) is at or above the threshold the user
/// chose (<c>predict --threshold</c>, else the spec's <c>task.threshold</c>); without one, the trainer's own decision
/// (Score above the model's threshold, which is where P = 0.5: see ModelDecision) stands. Applied to the scored view, so the saved model is unchanged
/// and a threshold can be moved without retraining.
/// </summary>
internal static class DecisionThreshold
{
    /// <summary>The threshold in force: the override, else the spec's; null for none or a task that is not binary.</summary>
    public static double? Resolve(PipelineSettings settings, double? overrideThreshold) =>
        settings.Task == MlTaskKind.BinaryClassification ? overrideThreshold ?? settings.DecisionThreshold : null;

    /// <summary>
    /// What accuracy, f1, precision and recall were counted at, printed beside them by evaluate and test; null when
    /// the spec sets no threshold (the model's own decision).
    /// </summary>
    public static string? CountedAt(MlTaskKind task, double? specThreshold) =>
        task == MlTaskKind.BinaryClassification && specThreshold is double t
            ? string.Create(CultureInfo.InvariantCulture, $"accuracy, f1, precision and recall count a row as positive when Probability >= {t} (task.threshold), as predict does")
            : null;

    /// <summary>Checks a user-given threshold: strictly between 0 and 1.</summary>
    public static void Check(double? threshold, MlTaskKind task)
    {
        if (threshold is not double t) return;
        if (task != MlTaskKind.BinaryClassification)
            throw new ArgumentException("--threshold only applies to binary classification; " + (task == MlTaskKind.MulticlassClassification
                ? "this multiclass model predicts the most probable class." : "this regression model predicts a number, with no class to threshold.")
                + " Leave --threshold out.");
        if (!(t > 0 && t < 1))
            throw new ArgumentException($"--threshold {t.ToString(CultureInfo.InvariantCulture)} is not a probability strictly between 0 and 1; give e.g. --threshold 0.3.");
    }

    /// <summary><paramref name="scored"/> with <c>PredictedLabel</c> recomputed as <c>Probability ≥ threshold</c>.</summary>
    public static IDataView Apply(IDataView scored, double threshold)
    {
        var probability = scored.Schema.GetColumnOrNull("Probability")
            ?? throw new InvalidOperationException("The model gives no Probability column, so a probability threshold cannot be applied; retrain with a calibrated binary trainer.");
        var predicted = scored.Schema["PredictedLabel"];
        return new ThresholdedView(scored, predicted, probability, (float)threshold);
    }

    private sealed class ThresholdedView(IDataView source, DataViewSchema.Column predicted, DataViewSchema.Column probability, float threshold) : IDataView
    {
        public bool CanShuffle => source.CanShuffle;
        public DataViewSchema Schema => source.Schema;
        public long? GetRowCount() => source.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            var needed = columnsNeeded.ToList();
            // The decision reads the probability, so it is read whenever the decision is.
            if (needed.Any(c => c.Index == predicted.Index) && needed.All(c => c.Index != probability.Index)) needed.Add(probability);
            return new Cursor(source.GetRowCursor(needed, rand), predicted, probability, threshold);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            [GetRowCursor(columnsNeeded, rand)];
    }

    private sealed class Cursor(DataViewRowCursor input, DataViewSchema.Column predicted, DataViewSchema.Column probability, float threshold) : DataViewRowCursor
    {
        public override DataViewSchema Schema => input.Schema;
        public override long Position => input.Position;
        public override long Batch => input.Batch;
        public override bool MoveNext() => input.MoveNext();
        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => input.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index != predicted.Index) return input.GetGetter<TValue>(column);
            var getProbability = input.GetGetter<float>(probability);
            float p = 0;
            ValueGetter<bool> decide = (ref bool value) => { getProbability(ref p); value = p >= threshold; };
            return (ValueGetter<TValue>)(object)decide;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) input.Dispose();
            base.Dispose(disposing);
        }
    }
}
