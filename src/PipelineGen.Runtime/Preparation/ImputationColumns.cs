using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Preparation;

/// <summary>Shared pieces of the imputers: type checks with clear messages, and the NaN-replacing expression.</summary>
internal static class ImputationColumns
{
    public static void RequireFloatScalar(DataViewSchema schema, string column, string purpose)
    {
        var col = schema.GetColumnOrNull(column)
            ?? throw new ArgumentException($"{purpose}: column '{column}' is not in the data (columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
        if (col.Type != NumberDataViewType.Single)
            throw new ArgumentException($"{purpose}: column '{column}' is {col.Type}, expected a numeric (Single) column. Declare it numeric in the spec or convert it first.");
    }

    /// <summary>`x : isna(x) ? c : x` — ML.NET's expression transformer is saveable and loadable with no custom registration.</summary>
    public static IEstimator<ITransformer> ReplaceNaNWithConstant(MLContext ml, string output, string input, float constant) =>
        ml.Transforms.Expression(output, $"x : isna(x) ? {FloatLiteral(constant)} : x", input);

    /// <summary>Round-trip float literal in the expression language's syntax (invariant, never exponent-less ambiguity).</summary>
    public static string FloatLiteral(float value)
    {
        if (float.IsNaN(value) || float.IsInfinity(value))
            throw new ArgumentException($"Cannot impute the non-finite value {value}.");
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E'))
            text += ".0";
        return text;
    }
}
