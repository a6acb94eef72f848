using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tests.Training;

namespace PipelineGen.Runtime.Tests.Paths;

/// <summary>
/// The folder a pipeline's relative paths resolve against is found where the program runs, in the documented order:
/// the explicit folder, the working directory, the program's folder and its parents, else the working directory.
/// </summary>
public sealed class ProjectLocationTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("pg-location-").FullName;

    public void Dispose() { try { Directory.Delete(root, recursive: true); } catch (IOException) { } }

    private string Folder(params string[] parts)
    {
        var dir = Path.Combine([root, .. parts]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private string Project(string specRelative = "pipeline.yaml")
    {
        var project = Folder("project");
        var spec = Path.Combine(project, specRelative);
        Directory.CreateDirectory(Path.GetDirectoryName(spec)!);
        File.WriteAllText(spec, "version: 1\n");
        return project;
    }

    [Fact]
    public void The_program_folder_inside_the_project_finds_the_project_from_any_working_directory()
    {
        var project = Project("specs/churn.pipeline.yaml");
        var bin = Folder("project", "bin", "Debug", "net10.0");
        var elsewhere = Folder("elsewhere");

        var found = ProjectLocation.Resolve("specs/churn.pipeline.yaml", null, elsewhere, bin);

        Assert.Equal(ProjectLocation.Source.ProgramFolder, found.Source);
        Assert.Equal(project, found.ProjectDirectory);
        Assert.Equal(Path.Combine(project, "specs"), found.SpecDirectory);
    }

    [Fact]
    public void The_working_directory_wins_over_the_program_folder_when_it_holds_the_spec()
    {
        var project = Project();
        var copy = Folder("copy");
        File.WriteAllText(Path.Combine(copy, "pipeline.yaml"), "version: 1\n");
        var bin = Folder("project", "bin");

        var found = ProjectLocation.Resolve("pipeline.yaml", null, copy, bin);

        Assert.Equal(ProjectLocation.Source.WorkingDirectory, found.Source);
        Assert.Equal(copy, found.SpecDirectory);
        Assert.NotEqual(project, found.ProjectDirectory);
    }

    [Fact]
    public void An_explicit_folder_wins_even_when_it_has_no_spec()
    {
        Project();
        var bin = Folder("project", "bin");
        var given = Folder("given");

        var found = ProjectLocation.Resolve("sub/pipeline.yaml", given, Folder("project"), bin);

        Assert.Equal(ProjectLocation.Source.Explicit, found.Source);
        Assert.Equal(Path.Combine(given, "sub"), found.SpecDirectory);
    }

    [Fact]
    public void A_published_folder_without_the_spec_falls_back_to_the_working_directory()
    {
        var publish = Folder("publish");
        var cwd = Folder("run-here");

        var found = ProjectLocation.Resolve("pipeline.yaml", null, cwd, publish);

        Assert.Equal(ProjectLocation.Source.Fallback, found.Source);
        Assert.Equal(cwd, found.SpecDirectory);
    }

    [Fact]
    public void Settings_resolve_data_against_the_found_folder_and_follow_the_environment_override()
    {
        var project = Project();
        var settings = new TitanicTestPipeline(project).Settings with { SpecPath = "pipeline.yaml" };
        var unpinned = new PipelineSettings
        {
            Name = settings.Name, Task = settings.Task, LabelColumn = settings.LabelColumn, TrainerName = settings.TrainerName,
            TrainDataPath = "data.csv", Columns = settings.Columns, SpecPath = "sub/pipeline.yaml",
        };
        var previous = Environment.GetEnvironmentVariable(ProjectLocation.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(ProjectLocation.EnvironmentVariable, project);
            Assert.Equal(Path.Combine(project, "sub", "data.csv"), unpinned.ResolvePath(unpinned.TrainDataPath));
            var other = Folder("other");
            Environment.SetEnvironmentVariable(ProjectLocation.EnvironmentVariable, other);
            Assert.Equal(Path.Combine(other, "sub", "data.csv"), unpinned.ResolvePath(unpinned.TrainDataPath));
        }
        finally { Environment.SetEnvironmentVariable(ProjectLocation.EnvironmentVariable, previous); }
    }

    [Fact]
    public void Predict_reads_the_project_store_first_and_the_model_beside_the_program_otherwise()
    {
        var project = Project();
        var settings = new TitanicTestPipeline(project).Settings;
        var bin = Folder("bin");
        var beside = Path.Combine(bin, settings.Name + ".zip");
        File.WriteAllText(beside, "model");

        Assert.Equal(beside, ModelStore.ModelPathForReading(settings, bin));

        var store = ModelStore.DefaultModelPath(settings);
        Directory.CreateDirectory(Path.GetDirectoryName(store)!);
        File.WriteAllText(store, "model");
        Assert.Equal(store, ModelStore.ModelPathForReading(settings, bin));

        File.Delete(store);
        File.Delete(beside);
        Assert.Equal(store, ModelStore.ModelPathForReading(settings, bin)); // the error then names the store
    }
}
