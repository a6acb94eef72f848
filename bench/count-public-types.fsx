// Usage: dotnet fsi bench/count-public-types.fsx src/PipelineGen.Runtime/bin/Debug/net10.0/PipelineGen.Runtime.dll [list]
// Counts the public (exported) types of an assembly with System.Reflection.Metadata: top-level public types and
// nested public types whose enclosing types are all public. Prints the count and, with a second arg, the names.
open System
open System.IO
open System.Reflection
open System.Reflection.Metadata
open System.Reflection.PortableExecutable
let path = fsi.CommandLineArgs.[1]
let list = fsi.CommandLineArgs.Length > 2
let fs = File.OpenRead path
let pe = new PEReader(fs)
let md = pe.GetMetadataReader()
let rec exported (h: TypeDefinitionHandle) =
    let t = md.GetTypeDefinition h
    let vis = t.Attributes &&& TypeAttributes.VisibilityMask
    if vis = TypeAttributes.Public then true
    elif vis = TypeAttributes.NestedPublic then exported (t.GetDeclaringType())
    else false
let rec name (h: TypeDefinitionHandle) =
    let t = md.GetTypeDefinition h
    let n = md.GetString t.Name
    if t.GetDeclaringType().IsNil then md.GetString t.Namespace + "." + n else name (t.GetDeclaringType()) + "+" + n
let names = [ for h in md.TypeDefinitions do if exported h then yield name h ] |> List.sort
printfn "%d public types in %s" names.Length (Path.GetFileName path)
if list then for n in names do printfn "%s" n
