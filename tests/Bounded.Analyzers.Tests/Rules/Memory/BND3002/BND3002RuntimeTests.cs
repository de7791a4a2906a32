using System;
using System.Threading.Tasks;
using Bounded.Analyzers.Memory;
using Bounded.CodeFixes.Memory;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>
/// BND3002's fix run side by side with the original: a whole rented array passed to a call with no span overload gets
/// the (array, offset, count) overload, so the result covers exactly the requested bytes, where the original also
/// read the pool's extra, stale tail.
/// </summary>
public class BND3002RuntimeTests
{
    private const string Source = """
        using System;
        using System.Buffers;
        using System.Security.Cryptography;

        public static class Subject
        {
            public static string Describe(byte[] data)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(data.Length);
                try
                {
                    data.CopyTo(buffer, 0);
                    return BitConverter.ToString(buffer) + "|" + Convert.ToHexString(SHA256.Create().ComputeHash(buffer));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        """;

    [Fact]
    public async Task FixedCallsSeeExactlyTheRequestedBytes()
    {
        var fixedSource = await AppliedFix.ApplyAsync<ArrayPoolMisuseAnalyzer, RentedLengthCodeFixProvider>(Source, RuleIds.RentedLengthAsDataLength, RentedLengthCodeFixProvider.RequestedLengthKey);
        Assert.Contains("BitConverter.ToString(buffer, 0, bufferLength)", fixedSource);
        Assert.Contains("ComputeHash(buffer, 0, bufferLength)", fixedSource);

        var data = new byte[] { 1, 2, 3, 4, 5 }; // the pool hands out at least 16 bytes
        var expected = BitConverter.ToString(data) + "|" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(data));

        Assert.NotEqual(expected, Run(Source, data));
        Assert.Equal(expected, Run(fixedSource, data));
    }

    private static string Run(string source, byte[] data)
    {
        using var compiled = InMemoryAssembly.Compile(source);
        return (string)compiled.GetType("Subject").GetMethod("Describe")!.Invoke(null, new object[] { data })!;
    }
}
