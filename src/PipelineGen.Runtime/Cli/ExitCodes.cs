using System.CommandLine;
using System.Diagnostics;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Runs;
using Spectre.Console;

namespace PipelineGen.Runtime.Cli;

/// <summary>Exit codes shared by every command (see the brief): 0 ok, 1 a check failed, 2 bad input.</summary>
internal static class ExitCodes
{
    public const int Ok = PipelineGen.Shared.ContractNames.ExitOk, CheckFailed = PipelineGen.Shared.ContractNames.ExitCheckFailed,
        BadInput = PipelineGen.Shared.ContractNames.ExitBadInput;
}
