using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Tuning.Ensembles;

/// <summary>
/// The multiclass blend: the weighted mean of the members' class-probability vectors (<c>Score</c>), and the most
/// probable class as <c>PredictedLabel</c> (a key with the label's own key values, of the label's own type) and
/// <c>PredictedLabelValue</c>, the columns a generated multiclass pipeline outputs. ML.NET's expression transform takes
/// at most one vector input, so each member's Score is split into scalar columns first by
/// <see cref="EnsembleClassSlotsMapping"/> (a stateless custom mapping saved by contract name, like the dense network's),
/// 16 classes at a time: the mapping also outputs the slots after its 16 (<see cref="EnsembleClassSlots.Rest"/>), which
/// go through it again. The scalars are summed per class with expressions and concatenated back into a known-size vector.
/// </summary>
internal static partial class EnsembleModel
{
    private static ITransformer ComposeClasses(MLContext ml, string[] inputs, IReadOnlyList<(ITransformer Model, double Weight)> members, IDataView fitData)
    {
        var steps = new List<ITransformer>();
        var data = fitData;
        void Step(ITransformer fitted) { data = fitted.Transform(data); steps.Add(fitted); }
        void Fit(IEstimator<ITransformer> estimator) => Step(estimator.Fit(data));

        Fit(CopyAll(ml, inputs.Select(n => (Saved + n, n))));
        ClassKeys? classes = null;
        string[] slotNames = [], clashes = [];
        int last = members.Count - 1;
        for (int i = 0; i <= last; i++)
        {
            Fit(CopyAll(ml, inputs.Select(n => (n, Saved + n))));
            Step(members[i].Model);
            // Members fitted on the same rows number the classes alike; checked, since the blend adds slot to slot.
            var keys = ClassKeys.Read(data.Schema["PredictedLabel"], "a member's predicted class");
            if (classes is not null && !keys.SameAs(classes))
                throw new InvalidOperationException("the ensemble's members number the classes differently; their probabilities cannot be averaged slot by slot.");
            classes = keys;
            if (i == 0) slotNames = SlotNames(data.Schema["Score"], classes);
            if (i == last)
            {
                // Concatenate names a scalar input's slot by the column's name, so the last member's sums are written to
                // columns named as the members' Score slots: the blend's Score gets their slot names (predict's headers,
                // ClassNames.Of). A column of such a name already there (an input, a member's output) is kept aside
                // and restored after the concatenation; Score itself becomes the blend's.
                clashes = slotNames.Where(n => n != "Score" && data.Schema.GetColumnOrNull(n) is not null).ToArray();
                Fit(CopyAll(ml, clashes.Select((n, j) => ($"__ens_keep{j}", n))));
            }
            // The Score vector as scalars, 16 classes per pass of the mapping (its Rest output feeds the next pass),
            // each added into its class's running weighted sum (an expression takes one vector input at most).
            string weight = W(members[i].Weight);
            for (int from = 0; from < classes.Count; from += EnsembleClassSlots.Count)
            {
                Fit(ml.Transforms.CopyColumns(EnsembleClassSlots.Input, from == 0 ? "Score" : EnsembleClassSlots.RestColumn));
                Fit(ml.Transforms.CustomMapping<EnsembleClassScores, EnsembleClassSlots>(EnsembleClassSlotsMapping.Map, EnsembleClassSlotsMapping.ContractName));
                for (int k = from; k < Math.Min(from + EnsembleClassSlots.Count, classes.Count); k++)
                {
                    string sum = i == last ? slotNames[k] : $"__ens_s{k}_{i}", slot = EnsembleClassSlots.Column(k - from);
                    Fit(i == 0
                        ? ml.Transforms.Expression(sum, $"x : {weight} * x", slot)
                        : ml.Transforms.Expression(sum, $"(s, x) : s + {weight} * x", $"__ens_s{k}_{i - 1}", slot));
                }
            }
        }
        Fit(ml.Transforms.Concatenate("Score", slotNames)
            .Append(CopyAll(ml, clashes.Select((n, j) => (n, $"__ens_keep{j}"))))
            .Append(ml.Transforms.CustomMapping<Networks.Integration.DenseClassScores, Networks.Integration.DenseClassIndex>(Networks.Integration.DenseArgmaxMapping.Map, Networks.Integration.DenseArgmaxMapping.ContractName))
            .Append(classes!.IndexToKey(ml, Networks.Integration.DenseColumns.ClassIndex, "__ens_class_value", "PredictedLabel"))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel")));
        return new TransformerChain<ITransformer>(steps.ToArray());
    }

    /// <summary>The Score slot names of a member (ML.NET's trainers name them for a text label), else the class names.</summary>
    private static string[] SlotNames(DataViewSchema.Column score, ClassKeys classes)
    {
        if (score.HasSlotNames())
        {
            var names = default(VBuffer<ReadOnlyMemory<char>>);
            score.GetSlotNames(ref names);
            var dense = names.DenseValues().Select(n => n.ToString()).ToArray();
            if (dense.Length == classes.Count && dense.All(n => n.Length > 0) && dense.Distinct(StringComparer.Ordinal).Count() == dense.Length) return dense;
        }
        return classes.Names;
    }

    private static string W(double w) => ((float)w).ToString("R", CultureInfo.InvariantCulture) is var t && (t.Contains('.') || t.Contains('E')) ? t : t + ".0";
}

/// <summary>A member's class probabilities, copied to a fixed name (a custom mapping reads fixed column names).</summary>
public sealed class EnsembleClassScores
{
    [VectorType, ColumnName(EnsembleClassSlots.Input)] public float[] Scores { get; set; } = [];
}

/// <summary>
/// The first 16 class probabilities as scalar columns <c>__ens_c0</c> … (NaN beyond the member's classes), and the
/// probabilities after them as <see cref="Rest"/> (empty for 16 classes or fewer), for the next pass of the mapping.
/// </summary>
public sealed class EnsembleClassSlots
{
    public const int Count = 16;
    public const string Input = "__ens_scores";
    public const string RestColumn = "__ens_rest";
    public static string Column(int k) => "__ens_c" + k.ToString(CultureInfo.InvariantCulture);
    [ColumnName("__ens_c0")] public float C0 { get; set; }
    [ColumnName("__ens_c1")] public float C1 { get; set; }
    [ColumnName("__ens_c2")] public float C2 { get; set; }
    [ColumnName("__ens_c3")] public float C3 { get; set; }
    [ColumnName("__ens_c4")] public float C4 { get; set; }
    [ColumnName("__ens_c5")] public float C5 { get; set; }
    [ColumnName("__ens_c6")] public float C6 { get; set; }
    [ColumnName("__ens_c7")] public float C7 { get; set; }
    [ColumnName("__ens_c8")] public float C8 { get; set; }
    [ColumnName("__ens_c9")] public float C9 { get; set; }
    [ColumnName("__ens_c10")] public float C10 { get; set; }
    [ColumnName("__ens_c11")] public float C11 { get; set; }
    [ColumnName("__ens_c12")] public float C12 { get; set; }
    [ColumnName("__ens_c13")] public float C13 { get; set; }
    [ColumnName("__ens_c14")] public float C14 { get; set; }
    [ColumnName("__ens_c15")] public float C15 { get; set; }
    [VectorType, ColumnName(RestColumn)] public float[] Rest { get; set; } = [];

    internal void Set(float[] v)
    {
        float At(int k) => k < v.Length ? v[k] : float.NaN;
        C0 = At(0); C1 = At(1); C2 = At(2); C3 = At(3); C4 = At(4); C5 = At(5); C6 = At(6); C7 = At(7);
        C8 = At(8); C9 = At(9); C10 = At(10); C11 = At(11); C12 = At(12); C13 = At(13); C14 = At(14); C15 = At(15);
        Rest = v.Length > Count ? v[Count..] : [];
    }
}

/// <summary>Stateless: saved by contract name; loading needs this assembly registered (ModelStore.Load does it).</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class EnsembleClassSlotsMapping : CustomMappingFactory<EnsembleClassScores, EnsembleClassSlots>
{
    public const string ContractName = "PipelineGen.EnsembleClassSlots";
    public static void Map(EnsembleClassScores input, EnsembleClassSlots output) => output.Set(input.Scores);
    public override Action<EnsembleClassScores, EnsembleClassSlots> GetMapping() => Map;
}
