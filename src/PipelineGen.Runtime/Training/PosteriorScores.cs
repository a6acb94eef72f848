using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Turns a multiclass Score of per-class log joint likelihoods (ML.NET's naive Bayes) into the model's posterior
/// P(c|x) = softmax(Score), the class probabilities every consumer (log loss, predict, ensembles) reads Score as.
/// A custom mapping computes two scalars per row, its max m and Z = Σ exp(s − m) (in double; subtracting the max first
/// because the scores differ by hundreds with many features, where exp of them under- or overflows), and ML.NET's
/// expression transform writes exp(s − m) / Z slot by slot (Z is between 1 and the class count, so no precision is
/// lost). Score stays a known-size vector (a custom mapping's vector output would lose its size on load) and keeps its
/// slot names (the expression transform carries them over; ML.NET's score-kind annotations are dropped, as the
/// ensemble's concatenation drops them, and nothing here reads them). PredictedLabel is untouched: softmax keeps the
/// argmax. The fitted chain is ML.NET's transformers plus one registered custom mapping (ModelStore.Load registers it).
/// </summary>
internal sealed class PosteriorScores(MLContext ml) : IEstimator<ITransformer>
{
    private const string ScoreColumn = "Score";

    /// <summary>What the card says about the fitted step.</summary>
    public const string Note = "Score: class probabilities are naive Bayes' posterior (softmax of its log-likelihoods); naive Bayes is known to be overconfident";

    private readonly IEstimator<ITransformer> _steps =
        ml.Transforms.CustomMapping<ClassLogScores, ClassScoreNormaliser>(ScoreNormaliserMapping.Map, ScoreNormaliserMapping.ContractName)
            .Append(ml.Transforms.Expression(ScoreColumn, "(s, m, z) : exp(s - m) / z", ScoreColumn, ClassScoreNormaliser.MaxColumn, ClassScoreNormaliser.SumColumn))
            .Append(ml.Transforms.DropColumns(ClassScoreNormaliser.MaxColumn, ClassScoreNormaliser.SumColumn));

    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Schema.GetColumnOrNull(ScoreColumn) is not { Type: VectorDataViewType { ItemType: NumberDataViewType, Size: > 0 } })
            throw new ArgumentException($"The posterior step needs a known-size '{ScoreColumn}' vector (a multiclass trainer's), which the data does not have; put it right after the trainer, as generated pipelines do.", nameof(input));
        var fitted = _steps.Fit(input);
        Preparation.PreparationLog.Record(fitted, Note);
        return fitted;
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => _steps.GetOutputSchema(inputSchema);

    /// <summary>Whether a (nested, possibly loaded) model contains the posterior step, which ONNX export cannot convert.</summary>
    public static bool IsIn(ITransformer model) => model switch
    {
        CustomMappingTransformer<ClassLogScores, ClassScoreNormaliser> => true,
        IEnumerable<ITransformer> chain => chain.Any(IsIn),
        _ => false,
    };
}

/// <summary>The trainer's per-class log likelihoods (ML.NET's multiclass Score).</summary>
public sealed class ClassLogScores
{
    [VectorType, ColumnName("Score")] public float[] Scores { get; set; } = [];
}

/// <summary>The softmax's normaliser of one row: its largest score and Σ exp(s − max) (NaN if a score is NaN).</summary>
public sealed class ClassScoreNormaliser
{
    public const string MaxColumn = "__pg_score_max", SumColumn = "__pg_score_sum";
    [ColumnName(MaxColumn)] public float Max { get; set; }
    [ColumnName(SumColumn)] public float Sum { get; set; }

    internal void Set(float[] scores)
    {
        float max = float.NegativeInfinity;
        foreach (var s in scores) max = float.IsNaN(s) ? float.NaN : Math.Max(max, s);
        double sum = 0;
        foreach (var s in scores) sum += Math.Exp((double)s - max);
        Max = max;
        Sum = (float)sum;
    }
}

/// <summary>Stateless: saved by contract name; loading needs this assembly registered (ModelStore.Load does it).</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class ScoreNormaliserMapping : CustomMappingFactory<ClassLogScores, ClassScoreNormaliser>
{
    public const string ContractName = "PipelineGen.ClassScoreNormaliser";
    public static void Map(ClassLogScores input, ClassScoreNormaliser output) => output.Set(input.Scores);
    public override Action<ClassLogScores, ClassScoreNormaliser> GetMapping() => Map;
}
