using Microsoft.ML;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>A binary scored view's (Score, Label) pairs: the two columns only, what a ranking metric or a calibrator needs.</summary>
internal static class BinaryScores
{
    public static List<(float Score, bool Label)> Read(IDataView scored, string scoreColumn = "Score", string labelColumn = "Label")
    {
        var label = scored.Schema[labelColumn];
        var score = scored.Schema[scoreColumn];
        var rows = new List<(float Score, bool Label)>();
        using var cursor = scored.GetRowCursor([label, score]);
        var getLabel = cursor.GetGetter<bool>(label);
        var getScore = cursor.GetGetter<float>(score);
        bool l = false;
        float s = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref l);
            getScore(ref s);
            rows.Add((s, l));
        }
        return rows;
    }
}
