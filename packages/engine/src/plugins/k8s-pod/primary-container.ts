/** The config key naming a pod task's primary container. */
export const PRIMARY_CONTAINER_KEY = "primary_container_name";
