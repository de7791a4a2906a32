using System.Threading.Tasks;
using Bounded.Analyzers.Memory;
using Bounded.CodeFixes.Memory;
using Xunit;

namespace Bounded.Analyzers.Tests.Memory;

public class BND3001FixTests
{
    private const string Hoist = HotPathArrayAllocationCodeFixProvider.HoistKey;
    private const string Pool = HotPathArrayAllocationCodeFixProvider.ArrayPoolKey;
    private const string Stack = HotPathArrayAllocationCodeFixProvider.StackallocKey;

    private static Task Fix(string source, string fixedSource, string key, string? editorConfig = null) =>
        Verify.FixAsync<HotPathArrayAllocationAnalyzer, HotPathArrayAllocationCodeFixProvider>(source, fixedSource, key, editorConfig);

    private const string CopyLoop = """
        using System.IO;

        static class Copier
        {
            public static void Copy(Stream source, Stream destination)
            {
                while (true)
                {
                    var buffer = {|BND3001:new byte[81920]|};
                    int read = source.Read(buffer, 0, buffer.Length);
                    if (read == 0)
                    {
                        break;
                    }

                    destination.Write(buffer, 0, read);
                }
            }
        }
        """;

    [Fact]
    public Task HoistCopyLoopWithoutClear() => Fix(CopyLoop, """
        using System.IO;

        static class Copier
        {
            public static void Copy(Stream source, Stream destination)
            {
                var buffer = new byte[81920];
                while (true)
                {
                    int read = source.Read(buffer, 0, buffer.Length);
                    if (read == 0)
                    {
                        break;
                    }

                    destination.Write(buffer, 0, read);
                }
            }
        }
        """, Hoist);

    [Fact]
    public Task PoolCopyLoop() => Fix(CopyLoop, """
        using System.Buffers;
        using System.IO;

        static class Copier
        {
            public static void Copy(Stream source, Stream destination)
            {
                while (true)
                {
                    var bufferLength = 81920;
                    var buffer = ArrayPool<byte>.Shared.Rent(bufferLength);
                    try
                    {
                        int read = source.Read(buffer, 0, bufferLength);
                        if (read == 0)
                        {
                            break;
                        }

                        destination.Write(buffer, 0, read);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
        }
        """, Pool);
}
