using NuGet.Versioning;
using Xunit;

namespace Bounded.EndToEnd.Tests;

/// <summary>The end-to-end tests pack with a generated version; NuGet must accept every one it can generate.</summary>
public sealed class PackageVersionTests
{
    [Fact]
    public void EveryGeneratedPackageVersionIsValidSemVer()
    {
        // A random six-hex-digit part is all decimal with a leading zero about once in 170 draws; 10,000 draws
        // would meet that case with near certainty, so this fails for a generator that can produce it.
        for (var i = 0; i < 10_000; i++)
        {
            var version = PackageEndToEndTests.UniquePackageVersion();
            Assert.True(NuGetVersion.TryParseStrict(version, out _), version);
        }
    }
}
