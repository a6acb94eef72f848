// Never run: publishing this project is how the build gets ReadyToRun images of the analyzer assemblies (see the .csproj).
// Its one line names the generator only so the program has something to do.
System.Console.WriteLine(typeof(PipelineGen.Generator.PipelineGenerator).Assembly.GetName().Name);
