// Never run: publishing this project is how the build gets ReadyToRun images of the analyzer assemblies (see the .csproj).
// It names the generator so the reference is not trimmed from the publish output.
System.Console.WriteLine(typeof(PipelineGen.Generator.PipelineGenerator).Assembly.GetName().Name);
