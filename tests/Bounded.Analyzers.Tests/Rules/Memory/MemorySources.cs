namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>Realistic surroundings for the pooling tests: streams, sockets, hashing, an HTTP client, a message handler.</summary>
internal static class MemorySources
{
    /// <summary>Turns on the exception-path findings of BND3003 and BND3005 (off by default), for the tests of those shapes.</summary>
    public const string ExceptionPaths = "bounded.report_exception_paths = true";

    /// <summary>The overrides a read-only Stream subclass needs besides Read, for tests of a Read override (raw-string holes start at column 0).</summary>
    public const string ReadOnlyStreamOverrides = """
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => 0;
            public override long Position { get => 0; set { } }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => 0;
            public override void SetLength(long value) { }
            public override void Write(byte[] buffer, int offset, int count) { }
        """;

    public static string Wrap(string members) => """
        using System;
        using System.Buffers;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Net.Sockets;
        using System.Security.Cryptography;
        using System.Text;
        using System.Threading;
        using System.Threading.Tasks;

        public record Message(string Id, byte[] Body);

        public partial class Service
        {
            private readonly HttpClient _http = new HttpClient();
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private static readonly SemaphoreSlim s_lock = new SemaphoreSlim(4);
            private readonly Queue<byte[]> _pending = new();
            private byte[]? _buffer;
            private int _count;

            private static void Log(string text) => Console.WriteLine(text);
            private static void Process(ReadOnlySpan<byte> data) { }
            private static void Keep(byte[] array) { }
            private Task SaveAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;

        """ + members + """

        }
        """;
}
