using System.Globalization;
using Microsoft.ML;

namespace PipelineGen.Runtime.Preparation;

/// <summary>
/// The one missing category of categorical features: every missing token ("", "?", "NA", ...) becomes the category
/// <see cref="Name"/>, never merged into a real value. ML.NET's expression transform saves with the model, so serving
/// applies the same mapping.
/// </summary>
public static class MissingCategory
{
    /// <summary>The missing category's name, as the reports show it.</summary>
    public const string Name = PipelineGen.Shared.ContractNames.MissingCategory;

    /// <summary>Maps <paramref name="inputColumnName"/>'s missing tokens (and "") to <see cref="Name"/> in <paramref name="outputColumnName"/>.</summary>
    public static IEstimator<ITransformer> FillMissingCategory(this TransformsCatalog catalog, string outputColumnName,
        string inputColumnName, IEnumerable<string> missingTokens)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Expression(outputColumnName, Expression(missingTokens), inputColumnName);
    }

    /// <summary>The expression-language lambda: <c>x : x == "" || x == "?" ? "(missing)" : x</c>.</summary>
    public static string Expression(IEnumerable<string> missingTokens)
    {
        ArgumentNullException.ThrowIfNull(missingTokens);
        // Tokens with quotes or backslashes cannot be written in ML.NET's expression language; they stay categories of their own.
        var tokens = new[] { "" }.Concat(missingTokens).Distinct(StringComparer.Ordinal).Where(t => !t.Contains('"') && !t.Contains('\\'));
        return "x : " + string.Join(" || ", tokens.Select(t => string.Create(CultureInfo.InvariantCulture, $"x == \"{t}\"")))
            + $" ? \"{Name}\" : x";
    }

}
