using System.CommandLine;
using System.Diagnostics;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Runs;
using Spectre.Console;

namespace PipelineGen.Runtime.Cli;

/// <summary>Adds an area's commands to the host. Register an implementation in <see cref="PipelineApp"/>'s contributor list.</summary>
public interface ICommandContributor
{
    void Contribute(RootCommand root, CommandServices services);
}
