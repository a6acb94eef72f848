using System.Reflection;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Runtime.Prediction;

/// <summary>
/// The binary decision <c>predict</c> makes (<see cref="DecisionThreshold"/>), applied to a typed prediction object:
/// <c>PredictedLabel = Probability &gt;= task.threshold</c>. ML.NET's prediction engine fills <c>PredictedLabel</c> with
/// the model's own decision (Score above its threshold, ModelDecision), so anything that scores typed rows for users (the REST service) must apply
/// the spec's threshold itself, or it answers another label than <c>predict</c> for rows between the two.
/// </summary>
internal sealed class TypedDecision<TPrediction> where TPrediction : class
{
    private readonly Func<TPrediction, float> _probability;
    private readonly Action<TPrediction, bool> _setLabel;
    private readonly float _threshold;

    private TypedDecision(Func<TPrediction, float> probability, Action<TPrediction, bool> setLabel, float threshold)
    {
        _probability = probability;
        _setLabel = setLabel;
        _threshold = threshold;
    }

    public float Threshold => _threshold;

    /// <summary>The decision of <paramref name="settings"/>; null when the trainer's own decision stands (no threshold, or not binary).</summary>
    public static TypedDecision<TPrediction>? For(PipelineSettings settings)
    {
        if (DecisionThreshold.Resolve(settings, null) is not double threshold) return null;
        var probability = Column("Probability", typeof(float));
        var label = Column("PredictedLabel", typeof(bool));
        if (probability?.GetMethod is null || label?.SetMethod is null)
            throw new InvalidOperationException($"The spec sets task.threshold {threshold}, but {typeof(TPrediction).Name} has no settable bool 'PredictedLabel' and float 'Probability' to apply it to; rebuild so the prediction class is generated from the spec.");
        // Compared in float, as predict's scored view compares (float)Probability with (float)threshold.
        return new TypedDecision<TPrediction>(probability.GetMethod.CreateDelegate<Func<TPrediction, float>>(),
            label.SetMethod.CreateDelegate<Action<TPrediction, bool>>(), (float)threshold);
    }

    /// <summary>Sets the prediction's label from its probability; returns it.</summary>
    public TPrediction Apply(TPrediction prediction)
    {
        _setLabel(prediction, _probability(prediction) >= _threshold);
        return prediction;
    }

    // The property ML.NET fills from that column: named by [ColumnName] (its name is not public: read from the
    // attribute's constructor argument), else by its own name.
    private static PropertyInfo? Column(string column, Type type) =>
        typeof(TPrediction).GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p =>
            p.PropertyType == type && ColumnName(p) == column);

    private static string ColumnName(PropertyInfo property) =>
        property.CustomAttributes.FirstOrDefault(a => a.AttributeType == typeof(ColumnNameAttribute)) is { } attribute
            && attribute.ConstructorArguments is [{ Value: string name }] ? name : property.Name;
}
