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
        ITransformer chain = CopyAll(ml, inputs.Select(n => (Saved + n, n))).Fit(fitData);
        var data = chain.Transform(fitData);
        ClassKeys? classes = null;
        string[]? slotNames = null;
        for (int i = 0; i < members.Count; i++)
        {
            var restore = CopyAll(ml, inputs.Select(n => (n, Saved + n))).Fit(data);
            data = restore.Transform(data);
            var member = members[i].Model;
            data = member.Transform(data);
            // Members fitted on the same rows number the classes alike; checked, since the blend adds slot to slot.
            var keys = ClassKeys.Read(data.Schema["PredictedLabel"], "a member's predicted class");
            if (classes is not null && !keys.SameAs(classes))
                throw new InvalidOperationException("the ensemble's members number the classes differently; their probabilities cannot be averaged slot by slot.");
            classes = keys;
            slotNames ??= SlotNames(data.Schema["Score"], classes);
            var fitted = SplitClasses(ml, i, classes.Count).Fit(data);
            data = fitted.Transform(data);
            chain = Append(chain, restore, member, fitted);
        }
        int count = classes!.Count;
        // Per class: the weighted sum, one expression per member (an expression takes a bounded number of inputs).
        for (int k = 0; k < count; k++)
        {
            var first = ml.Transforms.Expression($"__ens_s{k}_0", $"x : {W(members[0].Weight)} * x", $"__ens_p0_{k}").Fit(data);
            data = first.Transform(data);
            chain = Append(chain, first);
            for (int i = 1; i < members.Count; i++)
            {
                var next = ml.Transforms.Expression($"__ens_s{k}_{i}", $"(s, x) : s + {W(members[i].Weight)} * x", $"__ens_s{k}_{i - 1}", $"__ens_p{i}_{k}").Fit(data);
                data = next.Transform(data);
                chain = Append(chain, next);
            }
        }
        // Concatenate names a scalar input's slot by the column's name: the per-class sums are copied to columns named as
        // the members' Score slots, so the blend's Score has their slot names (predict's headers, ClassNames.Of). A column
        // of the same name already there (an input or a member's output) is kept aside and restored afterwards; Score
        // itself is the blend's.
        var clashes = slotNames!.Where(n => n != "Score" && data.Schema.GetColumnOrNull(n) is not null).ToArray();
        var output = CopyAll(ml, clashes.Select((n, j) => ($"__ens_keep{j}", n)))
            .Append(CopyAll(ml, slotNames!.Select((n, k) => (n, $"__ens_s{k}_{members.Count - 1}"))))
            .Append(ml.Transforms.Concatenate("Score", slotNames))
            .Append(CopyAll(ml, clashes.Select((n, j) => (n, $"__ens_keep{j}"))))
            .Append(ml.Transforms.CustomMapping<Networks.Integration.DenseClassScores, Networks.Integration.DenseClassIndex>(Networks.Integration.DenseArgmaxMapping.Map, Networks.Integration.DenseArgmaxMapping.ContractName))
            .Append(classes.IndexToKey(ml, Networks.Integration.DenseColumns.ClassIndex, "__ens_class_value", "PredictedLabel"))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel"));
        var fittedOutput = output.Fit(data);
        return Append(chain, fittedOutput);
    }

    /// <summary>Member <paramref name="member"/>'s Score → scalar columns <c>__ens_p{member}_{k}</c>, 16 classes per pass of the mapping.</summary>
    private static IEstimator<ITransformer> SplitClasses(MLContext ml, int member, int count)
    {
        IEstimator<ITransformer> split = ml.Transforms.CopyColumns(EnsembleClassSlots.Input, "Score");
        for (int from = 0; from < count; from += EnsembleClassSlots.Count)
        {
            if (from > 0) split = split.Append(ml.Transforms.CopyColumns(EnsembleClassSlots.Input, EnsembleClassSlots.RestColumn));
            int first = from;
            split = split.Append(ml.Transforms.CustomMapping<EnsembleClassScores, EnsembleClassSlots>(EnsembleClassSlotsMapping.Map, EnsembleClassSlotsMapping.ContractName))
                .Append(CopyAll(ml, Enumerable.Range(first, Math.Min(EnsembleClassSlots.Count, count - first))
                    .Select(k => ($"__ens_p{member}_{k}", EnsembleClassSlots.Column(k - first)))));
        }
        return split;
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
