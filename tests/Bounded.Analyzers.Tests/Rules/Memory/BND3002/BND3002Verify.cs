using System.Threading.Tasks;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>Helpers shared by the BND3002 Reports and DoesNotReport tests.</summary>
internal static class BND3002Verify
{
    internal static Task Check(string body, string parameters = "Stream stream, int size") => Verify.AnalyzerAsync<ArrayPoolMisuseAnalyzer>(MemorySources.Wrap($$"""
            public async Task RunAsync({{parameters}}, CancellationToken cancellationToken)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
        {{body}}
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """));
}
