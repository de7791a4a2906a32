using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Bounded.Analyzers.Tests;

/// <summary>Paths and references the tests share: the repository root and the SDK's net10.0 reference pack.</summary>
public static class TestEnvironment
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    public static string RepoRoot => Metadata("RepoRoot");

    /// <summary>Every reference assembly of Microsoft.NETCore.App for net10.0, loaded once per test run.</summary>
    public static ImmutableArray<MetadataReference> NetReferences => LazyReferences.Value;

    /// <summary>An empty reference set: the real assemblies are added as <see cref="NetReferences"/>.</summary>
    public static ReferenceAssemblies ReferenceAssemblies { get; } = new("net10.0");

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var packRoot = Metadata("NetCoreTargetingPackRoot");
        var version = Metadata("BundledNETCoreAppPackageVersion");
        var directory = Path.Combine(packRoot, "Microsoft.NETCore.App.Ref", version, "ref", "net10.0");
        if (!Directory.Exists(directory))
        {
            // The SDK may carry a newer patch of the pack than the one it names.
            var refRoot = Path.Combine(packRoot, "Microsoft.NETCore.App.Ref");
            directory = Directory.GetDirectories(refRoot).OrderBy(d => d, StringComparer.Ordinal).Select(d => Path.Combine(d, "ref", "net10.0")).Last(Directory.Exists);
        }

        return Directory.GetFiles(directory, "*.dll")
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))
            .ToImmutableArray();
    }

    private static string Metadata(string key) =>
        typeof(TestEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException("Missing assembly metadata " + key);
}
