using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Bounded.Analyzers.Tests;

/// <summary>
/// C# source compiled against <see cref="TestEnvironment.NetReferences"/> and loaded into its own collectible
/// <see cref="AssemblyLoadContext"/>, so runtime tests can execute what a fix produced. Dispose unloads it.
/// </summary>
public sealed class InMemoryAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private InMemoryAssembly(AssemblyLoadContext context, Assembly assembly)
    {
        _context = context;
        Assembly = assembly;
    }

    public Assembly Assembly { get; }

    /// <summary>Compiles <paramref name="source"/> (C# 12, nullable enabled, Release); fails the test with the compiler's diagnostics if emit fails.</summary>
    /// <param name="extraReferences">References added to the net10.0 ones (ASP.NET Core's, for a source hosted in Kestrel).</param>
    public static InMemoryAssembly Compile(string source, IEnumerable<MetadataReference>? extraReferences = null) =>
        Compile(new[] { source }, extraReferences);

    /// <summary>Compiles several files into one assembly (a project a fix added a file to).</summary>
    public static InMemoryAssembly Compile(IEnumerable<string> sources, IEnumerable<MetadataReference>? extraReferences = null)
    {
        var source = string.Join(Environment.NewLine + "----" + Environment.NewLine, sources);
        var compilation = CSharpCompilation.Create(
            "InMemory" + Guid.NewGuid().ToString("N"),
            sources.Select(text => CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.CSharp12))),
            extraReferences is null ? TestEnvironment.NetReferences : TestEnvironment.NetReferences.Concat(extraReferences),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, "The source does not compile:" + Environment.NewLine + string.Join(Environment.NewLine, emitted.Diagnostics) + Environment.NewLine + source);
        image.Position = 0;
        var context = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true);
        return new InMemoryAssembly(context, context.LoadFromStream(image));
    }

    /// <summary>The type named <paramref name="name"/>; throws if the source does not declare it.</summary>
    public Type GetType(string name) => Assembly.GetType(name, throwOnError: true)!;

    public void Dispose() => _context.Unload();
}
