namespace PipelineGen.Spec.Catalog;

public enum TaskKind { Binary, Multiclass, Regression }

public static class TaskKinds
{
    public static readonly string[] Names = { "binary", "multiclass", "regression" };

    public static bool TryParse(string? name, out TaskKind kind)
    {
        switch (name)
        {
            case "binary": kind = TaskKind.Binary; return true;
            case "multiclass": kind = TaskKind.Multiclass; return true;
            case "regression": kind = TaskKind.Regression; return true;
            default: kind = default; return false;
        }
    }

    public static string ToSpecName(this TaskKind kind) => Names[(int)kind];
}
