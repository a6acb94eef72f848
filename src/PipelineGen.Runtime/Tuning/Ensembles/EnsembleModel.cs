using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Tuning.Ensembles;

/// <summary>
/// Composes fitted members into one ML.NET model that averages their predictions with weights, built only from ML.NET's
/// own saveable transformers (column copies and expressions), so it saves into one model zip and loads with
/// <c>mlContext.Model.Load</c> like any other model — <c>predict</c> needs nothing special. How: the input columns are
/// copied aside once; before each member they are copied back (a member's preparation replaces columns in place, the
/// next member must see the raw input again), the member runs, and its prediction is copied to <c>__ens_p{i}</c>; an
/// expression per member accumulates the weighted sum. Binary with probabilities: <c>Probability</c> = weighted mean,
/// <c>Score</c> = its logit (a margin like a calibrated trainer's, positive exactly when Probability &gt; 0.5, so ML.NET's
/// evaluator counts the same predictions and AUC is that of the blend), <c>PredictedLabel</c> = Probability &gt; 0.5;
/// binary without probabilities: <c>Score</c> = weighted mean of the scores, <c>PredictedLabel</c> = Score &gt; 0;
/// regression: <c>Score</c> = weighted mean; multiclass: <c>Score</c> = weighted mean of the class-probability vectors,
/// <c>PredictedLabel</c> its most probable class (EnsembleModel.Classes.cs).
/// </summary>
internal static partial class EnsembleModel
{
    private const string Saved = "__ens_in_";

    /// <summary>
    /// The weights as shares summing to 1: a blend is a weighted mean, so weights are relative (a lock file edited to
    /// weights 5 and 5 means half and half). Summed as given, they scaled the prediction: probabilities above 1.
    /// </summary>
    internal static IReadOnlyList<(ITransformer Model, double Weight)> Shares(IReadOnlyList<(ITransformer Model, double Weight)> members)
    {
        var shares = Shares(members.Select(m => m.Weight).ToArray());
        return members.Select((m, i) => (m.Model, shares[i])).ToArray();
    }

    /// <summary>Weights divided by their sum; weights that already sum to 1 up to rounding (tune's) are returned exactly,
    /// so a refit reproduces tune's model bit for bit.</summary>
    internal static double[] Shares(IReadOnlyList<double> weights)
    {
        double total = weights.Sum();
        if (weights.Any(w => !(w > 0) || !double.IsFinite(w)) || !double.IsFinite(total))
            throw new ArgumentException($"an ensemble's weights must be finite and above 0 (got {string.Join(", ", weights.Select(w => w.ToString(System.Globalization.CultureInfo.InvariantCulture)))}).");
        return Math.Abs(total - 1) <= 1e-9 ? weights.ToArray() : weights.Select(w => w / total).ToArray();
    }

    /// <summary>Probabilities are kept this far from 0 and 1 before the logit, so Score stays finite.</summary>
    private const string LogitFloor = "0.0000001";

    public static ITransformer Compose(MLContext ml, MlTaskKind task, DataViewSchema inputSchema, IReadOnlyList<(ITransformer Model, double Weight)> members, IDataView fitData)
    {
        if (members.Count == 0) throw new ArgumentException("an ensemble needs at least one member.");
        members = Shares(members);
        var inputs = inputSchema.Where(c => !c.IsHidden).Select(c => c.Name).ToArray();
        if (task == MlTaskKind.MulticlassClassification) return ComposeClasses(ml, inputs, members, fitData);
        ITransformer chain = CopyAll(ml, inputs.Select(n => (Saved + n, n))).Fit(fitData);
        var data = chain.Transform(fitData);
        bool? probabilities = null;
        for (int i = 0; i < members.Count; i++)
        {
            var restore = CopyAll(ml, inputs.Select(n => (n, Saved + n))).Fit(data);
            data = restore.Transform(data);
            var member = members[i].Model;
            data = member.Transform(data);
            bool hasProbability = task == MlTaskKind.BinaryClassification && data.Schema.GetColumnOrNull("Probability") is not null;
            if (probabilities is { } p && p != hasProbability)
                throw new InvalidOperationException("the ensemble's members disagree on whether they output a probability; their predictions cannot be averaged.");
            probabilities = hasProbability;
            var copy = ml.Transforms.CopyColumns($"__ens_p{i}", hasProbability ? "Probability" : "Score").Fit(data);
            data = copy.Transform(data);
            chain = Append(chain, restore, member, copy);
        }
        // The weighted sum, one expression per member (an expression takes a bounded number of inputs).
        string F(double w) => ((float)w).ToString("R", CultureInfo.InvariantCulture) is var t && (t.Contains('.') || t.Contains('E')) ? t : t + ".0";
        var sum = ml.Transforms.Expression("__ens_sum0", $"x : {F(members[0].Weight)} * x", "__ens_p0").Fit(data);
        data = sum.Transform(data);
        chain = Append(chain, sum);
        for (int i = 1; i < members.Count; i++)
        {
            var next = ml.Transforms.Expression($"__ens_sum{i}", $"(s, x) : s + {F(members[i].Weight)} * x", $"__ens_sum{i - 1}", $"__ens_p{i}").Fit(data);
            data = next.Transform(data);
            chain = Append(chain, next);
        }
        string total = $"__ens_sum{members.Count - 1}";
        IEstimator<ITransformer> output = task == MlTaskKind.BinaryClassification
            ? probabilities == true
                ? ml.Transforms.CopyColumns("Probability", total)
                    // ML.NET's binary evaluator counts accuracy, f1, precision and recall by Score > 0 (a margin), not
                    // by PredictedLabel: a blend whose Score was its probability (always >= 0) was scored as predicting
                    // every row positive. The logit keeps Score > 0 exactly when Probability > 0.5, and the ranking (AUC).
                    .Append(ml.Transforms.Expression("Score", $"p : ln(max(p, {LogitFloor}) / max(1 - p, {LogitFloor}))", total))
                    .Append(ml.Transforms.Expression("PredictedLabel", "p : p > 0.5", total))
                : ml.Transforms.CopyColumns("Score", total)
                    .Append(ml.Transforms.Expression("PredictedLabel", "s : s > 0.0", total))
            : ml.Transforms.CopyColumns("Score", total);
        var fittedOutput = output.Fit(data);
        return Append(chain, fittedOutput);
    }

    /// <summary>
    /// Whether <paramref name="model"/> is a blend composed here (its scored schema holds the <c>__ens_</c> working
    /// columns); <c>export onnx</c> refuses one with the reason instead of ML.NET's converter's missing-column error.
    /// </summary>
    public static bool IsEnsemble(ITransformer model, DataViewSchema inputSchema)
    {
        try { return model.GetOutputSchema(inputSchema).Any(c => c.Name.StartsWith("__ens_", StringComparison.Ordinal)); }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException) { return false; }
    }

    private static IEstimator<ITransformer> CopyAll(MLContext ml, IEnumerable<(string Output, string Input)> pairs)
    {
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        foreach (var (output, input) in pairs) chain = chain.Append(ml.Transforms.CopyColumns(output, input));
        return chain;
    }

    private static ITransformer Append(ITransformer chain, params ITransformer[] next)
    {
        var list = chain is TransformerChain<ITransformer> c ? c.ToList() : [chain];
        list.AddRange(next);
        return new TransformerChain<ITransformer>(list.ToArray());
    }
}
