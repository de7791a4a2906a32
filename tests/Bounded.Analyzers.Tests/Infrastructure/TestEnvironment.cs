using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Bounded.Analyzers.Tests;

/// <summary>Paths and references the tests share: the repository root and the SDK's net10.0 reference pack.</summary>
public static class TestEnvironment
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyAspNetReferences = new(() => Bench.ReferencePack.Load(typeof(TestEnvironment).Assembly, "Microsoft.AspNetCore.App.Ref"));

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyNetStandardReferences = new(() => Metadata("NetStandardReferences")
        .Split(';')
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .ToImmutableArray());

    public static string RepoRoot => Metadata("RepoRoot");

    /// <summary>Every reference assembly of Microsoft.NETCore.App for net10.0, loaded once per test run.</summary>
    public static ImmutableArray<MetadataReference> NetReferences => LazyReferences.Value;

    /// <summary>
    /// netstandard2.0: the facade and the packages a netstandard2.0 library adds for channels, async streams and
    /// pooled memory, as a file linked into a <c>netstandard2.0;net8.0</c> project compiles against them.
    /// </summary>
    public static ImmutableArray<MetadataReference> NetStandardReferences => LazyNetStandardReferences.Value;

    /// <summary>ASP.NET Core's reference assemblies (Microsoft.AspNetCore.App.Ref), for sources that run in a real web host.</summary>
    public static ImmutableArray<MetadataReference> AspNetReferences => LazyAspNetReferences.Value;

    /// <summary>An empty reference set: the real assemblies are added as <see cref="NetReferences"/>.</summary>
    public static ReferenceAssemblies ReferenceAssemblies { get; } = new("net10.0");

    private static ImmutableArray<MetadataReference> LoadReferences() => Bench.ReferencePack.Load(typeof(TestEnvironment).Assembly);

    public static string Metadata(string key) => Bench.ReferencePack.Metadata(typeof(TestEnvironment).Assembly, key);
}
