using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Bounded.Bench;

/// <summary>
/// The SDK's own net10.0 reference pack (Microsoft.NETCore.App.Ref), located through the assembly metadata
/// <c>NetCoreTargetingPackRoot</c> and <c>BundledNETCoreAppPackageVersion</c> that the project file writes.
/// </summary>
public static class ReferencePack
{
    /// <param name="pack">The targeting pack: <c>Microsoft.NETCore.App.Ref</c>, or <c>Microsoft.AspNetCore.App.Ref</c> for tests that host ASP.NET Core.</param>
    public static ImmutableArray<MetadataReference> Load(Assembly withMetadata, string pack = "Microsoft.NETCore.App.Ref")
    {
        var packRoot = Metadata(withMetadata, "NetCoreTargetingPackRoot");
        var version = Metadata(withMetadata, "BundledNETCoreAppPackageVersion");
        var directory = Path.Combine(packRoot, pack, version, "ref", "net10.0");
        if (!Directory.Exists(directory))
        {
            // The SDK may carry a newer patch of the pack than the one it names.
            var refRoot = Path.Combine(packRoot, pack);
            directory = Directory.GetDirectories(refRoot).OrderBy(d => d, StringComparer.Ordinal).Select(d => Path.Combine(d, "ref", "net10.0")).Last(Directory.Exists);
        }

        return Directory.GetFiles(directory, "*.dll")
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))
            .ToImmutableArray();
    }

    public static string Metadata(Assembly assembly, string key) =>
        assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException("Missing assembly metadata " + key);
}
