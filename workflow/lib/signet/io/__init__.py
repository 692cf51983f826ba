"""Input and output: the paper's file formats (``formats``), atomic writes, checkpoints,
and checked downloads with a manifest (``download``)."""

from signet.io.formats import (
    ANNOTATION_COLUMNS,
    NETWORK_COLUMNS,
    PARAMETER_COLUMNS,
    PARAMETER_TYPES,
    atomic_write,
    check_ligand_values,
    check_tf_values,
    load_checkpoint,
    merge_repeated_edges,
    parse_flags,
    read_annotation,
    read_conditions,
    read_network,
    read_parameters,
    read_tsv,
    require_columns,
    save_checkpoint,
    write_annotation,
    write_conditions,
    write_network,
    write_parameters,
    write_table,
)

__all__ = ["ANNOTATION_COLUMNS", "NETWORK_COLUMNS", "PARAMETER_COLUMNS", "PARAMETER_TYPES",
           "atomic_write", "check_ligand_values", "check_tf_values", "load_checkpoint",
           "merge_repeated_edges", "parse_flags", "read_annotation", "read_conditions",
           "read_network", "read_parameters", "read_tsv", "require_columns", "save_checkpoint",
           "write_annotation", "write_conditions", "write_network", "write_parameters",
           "write_table"]
