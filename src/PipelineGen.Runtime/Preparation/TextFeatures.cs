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
