using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Transforms.Text;

namespace PipelineGen.Runtime.Preparation;

/// <summary>The text featurisation generated pipelines use: word n-grams of the spec's length, character n-grams when asked.</summary>
public static class TextFeatures
{
    /// <summary>
    /// Word bags of 1..<paramref name="wordNgrams"/> words; character <paramref name="charNgrams"/>-grams (none when 0).
    /// Diacritics are kept: ONNX export of text featurisation supports only that.
    /// </summary>
    public static TextFeaturizingEstimator.Options Options(int wordNgrams, int charNgrams) => new()
    {
        WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = wordNgrams, UseAllLengths = true },
        CharFeatureExtractor = charNgrams > 0 ? new WordBagEstimator.Options { NgramLength = charNgrams, UseAllLengths = false } : null,
        KeepDiacritics = true,
    };
}

/// <summary>
/// ML.NET's text featurizer with <see cref="TextFeatures.Options"/>, noting at Fit time the settings it was given
/// (<see cref="TextFeaturization"/>) so the model card states the n-grams this model was fitted with — a tuned trial's
/// or the lock file's, which only the running pipeline knows. The fitted transformer is ML.NET's own.
/// </summary>
internal sealed class TextFeaturesEstimator(MLContext ml, string outputColumnName, string inputColumnName, int wordNgrams, int charNgrams) : IEstimator<ITransformer>
{
    private TextFeaturizingEstimator Inner(out TextFeaturizingEstimator.Options options)
    {
        options = TextFeatures.Options(wordNgrams, charNgrams);
        return ml.Transforms.Text.FeaturizeText(outputColumnName, options, inputColumnName);
    }

    public ITransformer Fit(IDataView input)
    {
        var fitted = Inner(out var options).Fit(input);
        PreparationLog.RecordDetail(fitted, TextFeaturization.From(inputColumnName, options));
        return fitted;
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => Inner(out _).GetOutputSchema(inputSchema);
}

/// <summary>
/// A text feature column's featurisation as ML.NET was given it (read from the options object, not restated): word
/// n-grams of 1..<see cref="WordNgrams"/> words (all lengths when <see cref="WordAllLengths"/>), character
/// <see cref="CharNgrams"/>-grams (0: off), their weighting, the vector's normalisation and the text normalisation.
/// </summary>
internal sealed record TextFeaturization(
    string Column, int WordNgrams, bool WordAllLengths, string WordWeighting, int CharNgrams, bool CharAllLengths, string CharWeighting,
    string Norm, string Case, bool KeepDiacritics, bool KeepPunctuation, bool KeepNumbers, bool StopWordsRemoved)
{
    public bool CharNgramsOn => CharNgrams > 0;

    public static TextFeaturization From(string column, TextFeaturizingEstimator.Options options)
    {
        var words = options.WordFeatureExtractor;
        var chars = options.CharFeatureExtractor;
        return new TextFeaturization(column,
            words?.NgramLength ?? 0, words?.UseAllLengths ?? false, Name(words?.Weighting),
            chars?.NgramLength ?? 0, chars?.UseAllLengths ?? false, Name(chars?.Weighting),
            options.Norm.ToString(), options.CaseMode.ToString().ToLowerInvariant(),
            options.KeepDiacritics, options.KeepPunctuations, options.KeepNumbers, options.StopWordsRemoverOptions is not null);

        static string Name(NgramExtractingEstimator.WeightingCriteria? w) => w?.ToString().ToLowerInvariant() ?? "none";
    }

    /// <summary>One line for the Markdown card.</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        string words = WordNgrams == 0 ? "no word n-grams"
            : WordNgrams == 1 ? "single words"
            : WordAllLengths ? string.Create(inv, $"word n-grams of 1 to {WordNgrams} words") : string.Create(inv, $"word {WordNgrams}-grams");
        string chars = CharNgrams == 0 ? "character n-grams off"
            : CharAllLengths ? string.Create(inv, $"character n-grams of 1 to {CharNgrams} characters") : string.Create(inv, $"character {CharNgrams}-grams");
        string kept = string.Join(", ", new[] { (KeepDiacritics, "diacritics"), (KeepPunctuation, "punctuation"), (KeepNumbers, "numbers") }
            .Select(k => $"{k.Item2} {(k.Item1 ? "kept" : "removed")}"));
        return $"{words} ({WordWeighting} weighting), {chars}{(CharNgrams == 0 ? "" : $" ({CharWeighting} weighting)")}; vector normalised {Norm}; case {Case}; {kept}; stop words {(StopWordsRemoved ? "removed" : "kept")}";
    }
}
