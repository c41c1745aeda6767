"""compiler: protocol AST -> checked skill DAG with instructions (`CompiledProtocol`)."""

from compiler.compile import CompileResult, compile_file, compile_protocol
from compiler.model import SCHEMA, CompiledProtocol

__all__ = ["SCHEMA", "CompileResult", "CompiledProtocol", "compile_file", "compile_protocol"]
