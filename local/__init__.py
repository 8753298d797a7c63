"""The Docker-free local cloud: runs template.yaml's functions in-process against moto."""
