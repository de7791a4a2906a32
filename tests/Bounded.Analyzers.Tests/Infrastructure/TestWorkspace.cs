using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Bounded.Analyzers.Tests;

/// <summary>
/// The one place the tests build a Roslyn workspace by hand (outside the testing library): a C# project in an
/// <see cref="AdhocWorkspace"/> over the SDK's net10.0 reference assemblies (<see cref="TestEnvironment.NetReferences"/>),
/// its documents and an optional .editorconfig. <see cref="AppliedFix"/> (runtime tests) and
/// <see cref="Reliability.Harness"/> (reliability tests) both use it.
/// </summary>
public static class TestWorkspace
{
    /// <param name="folder">Where the documents and the .editorconfig live, ending in '/' ("/", "/src/").</param>
    /// <param name="editorConfig">Lines for the <c>[*.cs]</c> section of a root .editorconfig; none when null.</param>
    /// <param name="extraReferences">References added after the base references.</param>
    /// <param name="baseReferences">The framework references; the net10.0 reference assemblies when null.</param>
    public static Project CreateProject(
        AdhocWorkspace workspace,
        string name,
        string folder,
        CSharpCompilationOptions compilationOptions,
        CSharpParseOptions parseOptions,
        IEnumerable<(string Name, string Text)> documents,
        string? editorConfig = null,
        IEnumerable<MetadataReference>? extraReferences = null,
        string? projectFilePath = null,
        VersionStamp? version = null,
        IEnumerable<MetadataReference>? baseReferences = null)
    {
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            version ?? VersionStamp.Default,
            name,
            name,
            LanguageNames.CSharp,
            filePath: projectFilePath,
            compilationOptions: compilationOptions,
            parseOptions: parseOptions,
            metadataReferences: (baseReferences ?? TestEnvironment.NetReferences).Concat(extraReferences ?? Enumerable.Empty<MetadataReference>())));
        foreach (var document in documents)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), document.Name, SourceText.From(document.Text), filePath: folder + document.Name);
        }

        if (editorConfig is not null)
        {
            solution = solution.AddAnalyzerConfigDocument(
                DocumentId.CreateNewId(projectId),
                ".editorconfig",
                SourceText.From("root = true\n[*.cs]\n" + editorConfig),
                filePath: folder + ".editorconfig");
        }

        return solution.GetProject(projectId)!;
    }
}
